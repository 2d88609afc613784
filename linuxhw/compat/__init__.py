"""Drop-in faces for code written against other libraries, over linuxhw's own buses and lines.

One module per peer — :mod:`linuxhw.compat.smbus2`, :mod:`linuxhw.compat.smbus` (python-smbus),
:mod:`linuxhw.compat.spidev`, :mod:`linuxhw.compat.gpiozero` (a pin factory) and
:mod:`linuxhw.compat.circuitpython` — each a thin adapter, never a second implementation of a bus.
None of the peers is needed at run time.
"""
