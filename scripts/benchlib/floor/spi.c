/* SPI floor for scripts/bench: one SPI_IOC_MESSAGE(1) per operation, from C, in a tight loop.
 *
 * Usage: spi DEVICE OP SIZE SPEED_HZ TARGET_MS REPEATS
 *   duplex  SIZE bytes out of one buffer and SIZE bytes into another (full duplex)
 *   write   SIZE bytes out, nothing kept (write-only: rx_buf 0)
 * Prints one line per repetition: nanoseconds per message.
 */
#include "floor.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/spi/spidev.h>

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s DEVICE OP SIZE SPEED_HZ TARGET_MS REPEATS\n", argv[0]);
        return 2;
    }
    const char *op = argv[2];
    size_t size = (size_t)parse_long(argv[3], "SIZE");
    uint32_t speed = (uint32_t)parse_long(argv[4], "SPEED_HZ");
    long target_ms = parse_long(argv[5], "TARGET_MS"), repeats = parse_long(argv[6], "REPEATS");
    int duplex = !strcmp(op, "duplex");
    if (!duplex && strcmp(op, "write")) {
        fprintf(stderr, "spi floor: unknown operation %s\n", op);
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die(argv[1]);
    if (ioctl(fd, SPI_IOC_WR_MAX_SPEED_HZ, &speed) < 0)
        die("SPI_IOC_WR_MAX_SPEED_HZ");
    uint8_t *tx = malloc(size), *rx = malloc(size);
    if (!tx || !rx)
        die("malloc");
    for (size_t i = 0; i < size; i++)
        tx[i] = (uint8_t)i;
    struct spi_ioc_transfer xfer;
    memset(&xfer, 0, sizeof(xfer));
    xfer.tx_buf = (uintptr_t)tx;
    xfer.rx_buf = duplex ? (uintptr_t)rx : 0;
    xfer.len = (uint32_t)size;
    FLOOR_BENCH(target_ms, repeats, if (ioctl(fd, SPI_IOC_MESSAGE(1), &xfer) < 0) die("SPI_IOC_MESSAGE(1)"));
    free(tx);
    free(rx);
    close(fd);
    return 0;
}
