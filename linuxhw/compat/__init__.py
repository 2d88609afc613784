"""Drop-in faces for code written against other libraries, over linuxhw's own buses and lines.

One module per peer — :mod:`linuxhw.compat.smbus2`, :mod:`linuxhw.compat.smbus` (python-smbus),
:mod:`linuxhw.compat.spidev`, :mod:`linuxhw.compat.gpiozero` (a pin factory),
:mod:`linuxhw.compat.circuitpython` and Blinka's module names in :mod:`linuxhw.compat.blinka`
(``board``, ``busio``, ``digitalio``, ``microcontroller``, ``micropython``) — each a thin adapter,
never a second implementation of a bus.
None of the peers is needed at run time.
"""
