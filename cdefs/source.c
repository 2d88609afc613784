/* C side of linuxhw._uapi: the kernel's uAPI headers vendored in cdefs/uapi/ (one release for every
 * build, whatever the build machine's linux-libc-dev; scripts/vendor-headers), found before the system's. */
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/gpio.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <linux/spi/spidev.h>

/* DMA-BUF heaps, dma-buf fds and udmabuf (<fcntl.h> for the memfd seals udmabuf checks). */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010 /* 5.1: <fcntl.h> is the C library's, not vendored */
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
