/* C side of linuxhw._uapi: the kernel headers themselves plus guarded fallbacks
 * for constants that appeared after the 5.10 baseline. */
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/version.h>
#include <linux/gpio.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <linux/spi/spidev.h>

/* Event clocks arrived as enum members (#ifndef cannot see them): realtime in 5.11, HTE in 5.19. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME (1ULL << 11)
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 19, 0)
#define GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE (1ULL << 12)
#endif

/* DMA-BUF heaps, dma-buf fds and udmabuf (<fcntl.h> for the memfd seals udmabuf checks). */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#ifndef DMA_BUF_IOCTL_EXPORT_SYNC_FILE
/* Exporting/importing sync_file fences arrived in 6.0. */
struct dma_buf_export_sync_file {
    __u32 flags;
    __s32 fd;
};
struct dma_buf_import_sync_file {
    __u32 flags;
    __s32 fd;
};
#define DMA_BUF_IOCTL_EXPORT_SYNC_FILE _IOWR(DMA_BUF_BASE, 2, struct dma_buf_export_sync_file)
#define DMA_BUF_IOCTL_IMPORT_SYNC_FILE _IOW(DMA_BUF_BASE, 3, struct dma_buf_import_sync_file)
#endif

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010 /* 5.1 */
#endif

/* SPI mode bits newer than the 5.10 headers (values are fixed by the uAPI). */
#ifndef SPI_CS_WORD
#define SPI_CS_WORD (1UL << 12)
#endif
#ifndef SPI_TX_OCTAL
#define SPI_TX_OCTAL (1UL << 13)
#endif
#ifndef SPI_RX_OCTAL
#define SPI_RX_OCTAL (1UL << 14)
#endif
#ifndef SPI_3WIRE_HIZ
#define SPI_3WIRE_HIZ (1UL << 15)
#endif
#ifndef SPI_RX_CPHA_FLIP
#define SPI_RX_CPHA_FLIP (1UL << 16)
#endif
#ifndef SPI_MOSI_IDLE_LOW
#define SPI_MOSI_IDLE_LOW (1UL << 17)
#endif
#ifndef SPI_MOSI_IDLE_HIGH
#define SPI_MOSI_IDLE_HIGH (1UL << 18)
#endif

static unsigned long lhw_spi_ioc_message(unsigned int n)
{
    return _IOC(_IOC_WRITE, SPI_IOC_MAGIC, 0, SPI_MSGSIZE(n));
}

static int lhw_ioctl(int fd, unsigned long request, void *arg)
{
    int ret = ioctl(fd, request, arg);
    return ret < 0 ? -errno : ret;
}

static long lhw_read(int fd, void *buf, size_t count)
{
    ssize_t ret = read(fd, buf, count);
    return ret < 0 ? -errno : (long)ret;
}

static long lhw_write(int fd, const void *buf, size_t count)
{
    ssize_t ret = write(fd, buf, count);
    return ret < 0 ? -errno : (long)ret;
}

static int lhw_smbus(int fd, int read_write, int command, int size, union i2c_smbus_data *data)
{
    struct i2c_smbus_ioctl_data args = {
        .read_write = (__u8)read_write, .command = (__u8)command, .size = (__u32)size, .data = data,
    };
    int ret = ioctl(fd, I2C_SMBUS, &args);
    return ret < 0 ? -errno : ret;
}

static long long lhw_lseek(int fd, long long offset, int whence)
{
    off_t ret = lseek(fd, (off_t)offset, whence);
    return ret < 0 ? -errno : (long long)ret;
}

static long long lhw_mmap(void *addr, size_t length, int prot, int fd, long long offset)
{
    int flags = MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0) | (addr != NULL ? MAP_FIXED : 0);
    void *ret = mmap(addr, length, prot, flags, fd, (off_t)offset);
    return ret == MAP_FAILED ? -errno : (long long)(uintptr_t)ret;
}

static int lhw_munmap(void *addr, size_t length)
{
    return munmap(addr, length) < 0 ? -errno : 0;
}
