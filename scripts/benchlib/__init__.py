"""The benchmark harness behind scripts/bench: one module per subsystem, C floors in floor/."""
