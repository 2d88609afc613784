"""The soak behind scripts/soak: minutes of mixed, checked traffic on every subsystem, with the process's
fds, RSS and threads sampled to show they stay flat.  One module per subsystem; sampling in resources.py."""
