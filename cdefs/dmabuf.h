/* DMA-BUF: heaps (<linux/dma-heap.h>, 5.6+), dma-buf fds (<linux/dma-buf.h>) and udmabuf
 * (<linux/udmabuf.h>). Sync-file export/import (6.0+) has a fallback in source.c. */
#define DMA_HEAP_VALID_FD_FLAGS ...
#define DMA_HEAP_VALID_HEAP_FLAGS ...

struct dma_heap_allocation_data {
    __u64 len;
    __u32 fd;
    __u32 fd_flags;
    __u64 heap_flags;
};

#define DMA_HEAP_IOCTL_ALLOC ...

struct dma_buf_sync {
    __u64 flags;
};

#define DMA_BUF_SYNC_READ ...
#define DMA_BUF_SYNC_WRITE ...
#define DMA_BUF_SYNC_RW ...
#define DMA_BUF_SYNC_START ...
#define DMA_BUF_SYNC_END ...
#define DMA_BUF_SYNC_VALID_FLAGS_MASK ...
#define DMA_BUF_NAME_LEN ...

struct dma_buf_export_sync_file {
    __u32 flags;
    __s32 fd;
};

struct dma_buf_import_sync_file {
    __u32 flags;
    __s32 fd;
};

#define DMA_BUF_IOCTL_SYNC ...
#define DMA_BUF_SET_NAME ...
#define DMA_BUF_SET_NAME_A ...
#define DMA_BUF_SET_NAME_B ...
#define DMA_BUF_IOCTL_EXPORT_SYNC_FILE ...
#define DMA_BUF_IOCTL_IMPORT_SYNC_FILE ...

#define UDMABUF_FLAGS_CLOEXEC ...

struct udmabuf_create {
    __u32 memfd;
    __u32 flags;
    __u64 offset;
    __u64 size;
};

struct udmabuf_create_item {
    __u32 memfd;
    __u32 __pad;
    __u64 offset;
    __u64 size;
};

struct udmabuf_create_list {
    __u32 flags;
    __u32 count;
    struct udmabuf_create_item list[];
};

#define UDMABUF_CREATE ...
#define UDMABUF_CREATE_LIST ...

/* memfd seals udmabuf checks (<fcntl.h>; F_SEAL_FUTURE_WRITE is 5.1+, fallback in source.c). */
#define F_SEAL_SEAL ...
#define F_SEAL_SHRINK ...
#define F_SEAL_GROW ...
#define F_SEAL_WRITE ...
#define F_SEAL_FUTURE_WRITE ...

/* lseek(2) returning -errno on failure (the size of a dma-buf is lseek(fd, 0, SEEK_END)). */
long long lhw_lseek(int fd, long long offset, int whence);
/* mmap(2), MAP_SHARED (anonymous when fd < 0, MAP_FIXED at addr when addr is not NULL): the address,
 * or -errno. Wrapped in a memoryview by Python, so no fstat()/dup() as Python's mmap module makes;
 * the mock also lays several memfd ranges side by side in one mapping, as a udmabuf does. */
long long lhw_mmap(void *addr, size_t length, int prot, int fd, long long offset);
int lhw_munmap(void *addr, size_t length);
