/* Kernel integer types and the two syscall wrappers every subsystem uses.
 * "int..." lets the C compiler pick each type's real size and signedness. */
typedef int... __u8;
typedef int... __u16;
typedef int... __u32;
typedef int... __s32;
typedef int... __u64;

/* ioctl(2), read(2) and write(2) returning -errno on failure; the GIL is released around both. */
int lhw_ioctl(int fd, unsigned long request, void *arg);
long lhw_read(int fd, void *buf, size_t count);
long lhw_write(int fd, const void *buf, size_t count);
