/* The C floor for scripts/bench_dmabuf.py: the least a program can do per buffer —
 * allocate (DMA_HEAP_IOCTL_ALLOC, or memfd + UDMABUF_CREATE), mmap, DMA_BUF_IOCTL_SYNC START,
 * touch one byte, SYNC END, munmap, close — timed over ITERATIONS buffers, REPEATS times.
 *
 * Usage: bench_dmabuf_floor heap|udmabuf DEVICE SIZE ITERATIONS REPEATS
 * Prints one line per repetition: nanoseconds per buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

static void die(const char *what)
{
    fprintf(stderr, "bench_dmabuf_floor: %s: %s\n", what, strerror(errno));
    exit(1);
}

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

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s heap|udmabuf DEVICE SIZE ITERATIONS REPEATS\n", argv[0]);
        return 2;
    }
    int udmabuf = strcmp(argv[1], "udmabuf") == 0;
    size_t size = strtoull(argv[3], NULL, 0);
    long iterations = strtol(argv[4], NULL, 0), repeats = strtol(argv[5], NULL, 0);
    int dev = open(argv[2], (udmabuf ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (dev < 0)
        die(argv[2]);
    for (long r = 0; r < repeats; r++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (long i = 0; i < iterations; i++) {
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
        clock_gettime(CLOCK_MONOTONIC, &end);
        double ns = (double)(end.tv_sec - start.tv_sec) * 1e9 + (double)(end.tv_nsec - start.tv_nsec);
        printf("%.1f\n", ns / (double)iterations);
    }
    close(dev);
    return 0;
}
