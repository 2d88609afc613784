"""Drive Linux GPIO, I2C, SPI and DMA-BUF character devices from Python."""
