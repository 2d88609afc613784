/* I2C floor for scripts/bench: the i2c-dev ioctls linuxhw makes, from C, in a tight loop.
 *
 * Usage: i2c DEVICE ADDRESS OP REGISTER TARGET_MS REPEATS
 *   byte    I2C_SMBUS read byte data from REGISTER
 *   word    I2C_SMBUS read word data
 *   block32 I2C_SMBUS I2C block read of 32 bytes
 *   rdwr    I2C_RDWR with two messages: write REGISTER (1 byte), read 4 bytes (repeated START)
 * Prints one line per repetition: nanoseconds per operation.
 */
#include "floor.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>

static void smbus(int fd, uint8_t command, uint32_t size, union i2c_smbus_data *data)
{
    struct i2c_smbus_ioctl_data args = { .read_write = I2C_SMBUS_READ, .command = command, .size = size, .data = data };
    if (ioctl(fd, I2C_SMBUS, &args) < 0)
        die("I2C_SMBUS");
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s DEVICE ADDRESS OP REGISTER TARGET_MS REPEATS\n", argv[0]);
        return 2;
    }
    const char *op = argv[3];
    long address = parse_long(argv[2], "ADDRESS");
    uint8_t reg = (uint8_t)parse_long(argv[4], "REGISTER");
    long target_ms = parse_long(argv[5], "TARGET_MS"), repeats = parse_long(argv[6], "REPEATS");
    int fd = open(argv[1], O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die(argv[1]);
    if (ioctl(fd, I2C_SLAVE, address) < 0)
        die("I2C_SLAVE");
    union i2c_smbus_data data;
    if (!strcmp(op, "byte")) {
        FLOOR_BENCH(target_ms, repeats, smbus(fd, reg, I2C_SMBUS_BYTE_DATA, &data));
    } else if (!strcmp(op, "word")) {
        FLOOR_BENCH(target_ms, repeats, smbus(fd, reg, I2C_SMBUS_WORD_DATA, &data));
    } else if (!strcmp(op, "block32")) {
        FLOOR_BENCH(target_ms, repeats, data.block[0] = 32; smbus(fd, reg, I2C_SMBUS_I2C_BLOCK_DATA, &data));
    } else if (!strcmp(op, "rdwr")) {
        uint8_t out = reg, in[4];
        struct i2c_msg msgs[2] = {
            { .addr = (uint16_t)address, .flags = 0, .len = 1, .buf = &out },
            { .addr = (uint16_t)address, .flags = I2C_M_RD, .len = sizeof(in), .buf = in },
        };
        struct i2c_rdwr_ioctl_data rdwr = { .msgs = msgs, .nmsgs = 2 };
        FLOOR_BENCH(target_ms, repeats, if (ioctl(fd, I2C_RDWR, &rdwr) < 0) die("I2C_RDWR"));
    } else {
        fprintf(stderr, "i2c floor: unknown operation %s\n", op);
        return 2;
    }
    close(fd);
    return 0;
}
