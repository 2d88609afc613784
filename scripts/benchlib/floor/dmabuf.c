/* DMA-BUF floor for scripts/bench: the least a program can do per buffer — allocate
 * (DMA_HEAP_IOCTL_ALLOC, or memfd + UDMABUF_CREATE), mmap, DMA_BUF_IOCTL_SYNC START, touch one
 * byte, SYNC END, munmap, close.
 *
 * Usage: dmabuf heap|udmabuf DEVICE SIZE TARGET_MS REPEATS
 * Prints one line per repetition: nanoseconds per buffer.
 */
#include "floor.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

static int sync_ioctl(int fd, uint64_t flags)
{
    struct dma_buf_sync sync = { .flags = flags };
    int ret;
    do {
        ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
    } while (ret < 0 && (errno == EINTR || errno == EAGAIN));
    return ret;
}

static int alloc_heap(int heap, size_t size)
{
    struct dma_heap_allocation_data data = { .len = size, .fd_flags = O_RDWR | O_CLOEXEC };
    if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
        die("DMA_HEAP_IOCTL_ALLOC");
    return (int)data.fd;
}

static int alloc_udmabuf(int dev, size_t size)
{
    int memfd = memfd_create("floor", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (memfd < 0 || ftruncate(memfd, (off_t)size) < 0 || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
        die("memfd");
    struct udmabuf_create create = { .memfd = (uint32_t)memfd, .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
    int fd = ioctl(dev, UDMABUF_CREATE, &create);
    if (fd < 0)
        die("UDMABUF_CREATE");
    close(memfd);
    return fd;
}

static void one_buffer(int dev, int udmabuf, size_t size, long i)
{
    int fd = udmabuf ? alloc_udmabuf(dev, size) : alloc_heap(dev, size);
    volatile uint8_t *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap");
    if (sync_ioctl(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) < 0)
        die("SYNC START");
    map[0] = (uint8_t)i;
    if (sync_ioctl(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) < 0)
        die("SYNC END");
    munmap((void *)map, size);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s heap|udmabuf DEVICE SIZE TARGET_MS REPEATS\n", argv[0]);
        return 2;
    }
    int udmabuf = !strcmp(argv[1], "udmabuf");
    size_t size = (size_t)parse_long(argv[3], "SIZE");
    long target_ms = parse_long(argv[4], "TARGET_MS"), repeats = parse_long(argv[5], "REPEATS");
    int dev = open(argv[2], (udmabuf ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (dev < 0)
        die(argv[2]);
    FLOOR_BENCH(target_ms, repeats, one_buffer(dev, udmabuf, size, floor_i));
    close(dev);
    return 0;
}
