/* GPIO floor for scripts/bench: the GPIO v2 ioctls linuxhw makes, from C, in a tight loop.
 *
 * Usage: gpio CHIP OP TARGET_MS REPEATS [PULL_ATTR EVENTS]
 *   get          line 1 of a request {0: output, 1: input}: GPIO_V2_LINE_GET_VALUES, mask 0b10
 *   set          line 0 of that request: GPIO_V2_LINE_SET_VALUES, mask 0b01
 *   get64/set64  all lines of a 64-output request, one GET/SET_VALUES each
 *   reconfigure  line 0 alternately output (value 0) and input: GPIO_V2_LINE_SET_CONFIG
 *   drain-batch / drain-single  line 0 input with both edges: EVENTS edges are made by
 *                writing gpio-sim's PULL_ATTR, then read back EVENTS events, as many per
 *                read() as the buffer holds (batch) or one per read() (single); timed is the
 *                reading only (PULL_ATTR is gpio-sim's .../sim_gpio0/pull)
 * Prints one line per repetition: nanoseconds per operation (per event for the drains).
 */
#include "floor.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/gpio.h>

static int request(int chip, unsigned int num_lines, uint64_t flags, uint64_t output_mask, unsigned int buffer)
{
    struct gpio_v2_line_request req;
    memset(&req, 0, sizeof(req));
    for (unsigned int i = 0; i < num_lines; i++)
        req.offsets[i] = i;
    req.num_lines = num_lines;
    strcpy(req.consumer, "bench-floor");
    req.config.flags = flags;
    req.event_buffer_size = buffer;
    if (output_mask) {
        req.config.num_attrs = 2;
        req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_FLAGS;
        req.config.attrs[0].attr.flags = GPIO_V2_LINE_FLAG_OUTPUT;
        req.config.attrs[0].mask = output_mask;
        req.config.attrs[1].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
        req.config.attrs[1].attr.values = 0;
        req.config.attrs[1].mask = output_mask;
    }
    if (ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req) < 0)
        die("GPIO_V2_GET_LINE_IOCTL");
    return req.fd;
}

static void drain(int chip, const char *pull_attr, long events, int batch, long repeats)
{
    int line = request(chip, 1, GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING |
                                    GPIO_V2_LINE_FLAG_EDGE_FALLING, 0, (unsigned int)events);
    int pull = open(pull_attr, O_WRONLY | O_CLOEXEC);
    if (pull < 0)
        die(pull_attr);
    if (fcntl(line, F_SETFL, O_NONBLOCK) < 0) /* a merged edge ends a drain, not blocks it */
        die("O_NONBLOCK");
    size_t capacity = batch ? (size_t)events : 1;
    struct gpio_v2_line_event *buf = calloc(capacity, sizeof(*buf));
    if (!buf)
        die("calloc");
    struct gpio_v2_line_values values = { .mask = 1 };
    for (long r = 0; r < repeats; r++) {
        alarm(30); /* fail rather than wait forever for an edge that never came */
        if (ioctl(line, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0)
            die("GPIO_V2_LINE_GET_VALUES_IOCTL");
        int level = (int)(values.bits & 1);
        for (long i = 0; i < events; i++) {
            level ^= 1;
            const char *text = level ? "pull-up" : "pull-down";
            if (pwrite(pull, text, strlen(text), 0) < 0)
                die("writing the pull attribute");
            usleep(100); /* let the IRQ thread make this edge's event before the next edge */
        }
        usleep(50000); /* let the last edges reach the request's buffer */
        long got = 0;
        double t0 = now_ns();
        while (got < events) {
            ssize_t n = read(line, buf, capacity * sizeof(*buf));
            if (n < 0 && errno == EAGAIN)
                break;
            if (n < 0)
                die("read edge events");
            got += n / (ssize_t)sizeof(*buf);
        }
        if (got < events * 9 / 10) {
            fprintf(stderr, "floor: only %ld of %ld edge events arrived\n", got, events);
            exit(1);
        }
        printf("%.1f\n", (now_ns() - t0) / (double)got);
    }
    fflush(stdout);
    free(buf);
    close(pull);
    close(line);
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 7) {
        fprintf(stderr, "usage: %s CHIP OP TARGET_MS REPEATS [PULL_ATTR EVENTS]\n", argv[0]);
        return 2;
    }
    const char *op = argv[2];
    long target_ms = parse_long(argv[3], "TARGET_MS"), repeats = parse_long(argv[4], "REPEATS");
    int chip = open(argv[1], O_RDWR | O_CLOEXEC);
    if (chip < 0)
        die(argv[1]);
    struct gpio_v2_line_values values;
    if (!strcmp(op, "get") || !strcmp(op, "set")) {
        int line = request(chip, 2, GPIO_V2_LINE_FLAG_INPUT, 1, 0);
        if (op[0] == 'g') {
            values.mask = 2;
            FLOOR_BENCH(target_ms, repeats,
                        if (ioctl(line, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0) die("GET_VALUES"));
        } else {
            FLOOR_BENCH(target_ms, repeats, values.mask = 1, values.bits = 1;
                        if (ioctl(line, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) < 0) die("SET_VALUES"));
        }
        close(line);
    } else if (!strcmp(op, "get64") || !strcmp(op, "set64")) {
        int line = request(chip, 64, GPIO_V2_LINE_FLAG_OUTPUT, 0, 0);
        if (op[0] == 'g') {
            values.mask = ~0ULL;
            FLOOR_BENCH(target_ms, repeats,
                        if (ioctl(line, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0) die("GET_VALUES"));
        } else {
            FLOOR_BENCH(target_ms, repeats, values.mask = ~0ULL, values.bits = 0x5555555555555555ULL;
                        if (ioctl(line, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) < 0) die("SET_VALUES"));
        }
        close(line);
    } else if (!strcmp(op, "reconfigure")) {
        int line = request(chip, 1, GPIO_V2_LINE_FLAG_INPUT, 0, 0);
        struct gpio_v2_line_config configs[2];
        memset(configs, 0, sizeof(configs));
        configs[0].flags = GPIO_V2_LINE_FLAG_OUTPUT;
        configs[0].num_attrs = 1;
        configs[0].attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
        configs[0].attrs[0].mask = 1;
        configs[1].flags = GPIO_V2_LINE_FLAG_INPUT;
        FLOOR_BENCH(target_ms, repeats,
                    if (ioctl(line, GPIO_V2_LINE_SET_CONFIG_IOCTL, &configs[floor_i & 1]) < 0) die("SET_CONFIG"));
        close(line);
    } else if (argc == 7 && (!strcmp(op, "drain-batch") || !strcmp(op, "drain-single"))) {
        drain(chip, argv[5], parse_long(argv[6], "EVENTS"), !strcmp(op, "drain-batch"), repeats);
    } else {
        fprintf(stderr, "gpio floor: unknown operation %s\n", op);
        return 2;
    }
    close(chip);
    return 0;
}
