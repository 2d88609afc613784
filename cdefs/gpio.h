/* GPIO character device, uAPI v2 (<linux/gpio.h>, kernel >= 5.10). */
#define GPIO_MAX_NAME_SIZE ...
#define GPIO_V2_LINES_MAX ...
#define GPIO_V2_LINE_NUM_ATTRS_MAX ...

struct gpiochip_info {
    char name[32];
    char label[32];
    __u32 lines;
};

#define GPIO_V2_LINE_FLAG_USED ...
#define GPIO_V2_LINE_FLAG_ACTIVE_LOW ...
#define GPIO_V2_LINE_FLAG_INPUT ...
#define GPIO_V2_LINE_FLAG_OUTPUT ...
#define GPIO_V2_LINE_FLAG_EDGE_RISING ...
#define GPIO_V2_LINE_FLAG_EDGE_FALLING ...
#define GPIO_V2_LINE_FLAG_OPEN_DRAIN ...
#define GPIO_V2_LINE_FLAG_OPEN_SOURCE ...
#define GPIO_V2_LINE_FLAG_BIAS_PULL_UP ...
#define GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN ...
#define GPIO_V2_LINE_FLAG_BIAS_DISABLED ...
#define GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME ...
#define GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE ...

struct gpio_v2_line_values {
    __u64 bits;
    __u64 mask;
};

#define GPIO_V2_LINE_ATTR_ID_FLAGS ...
#define GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES ...
#define GPIO_V2_LINE_ATTR_ID_DEBOUNCE ...

struct gpio_v2_line_attribute {
    __u32 id;
    __u32 padding;
    union {
        __u64 flags;
        __u64 values;
        __u32 debounce_period_us;
    };
};

struct gpio_v2_line_config_attribute {
    struct gpio_v2_line_attribute attr;
    __u64 mask;
};

struct gpio_v2_line_config {
    __u64 flags;
    __u32 num_attrs;
    __u32 padding[5];
    struct gpio_v2_line_config_attribute attrs[10];
};

struct gpio_v2_line_request {
    __u32 offsets[64];
    char consumer[32];
    struct gpio_v2_line_config config;
    __u32 num_lines;
    __u32 event_buffer_size;
    __u32 padding[5];
    __s32 fd;
};

struct gpio_v2_line_info {
    char name[32];
    char consumer[32];
    __u32 offset;
    __u32 num_attrs;
    __u64 flags;
    struct gpio_v2_line_attribute attrs[10];
    __u32 padding[4];
};

#define GPIO_V2_LINE_CHANGED_REQUESTED ...
#define GPIO_V2_LINE_CHANGED_RELEASED ...
#define GPIO_V2_LINE_CHANGED_CONFIG ...

struct gpio_v2_line_info_changed {
    struct gpio_v2_line_info info;
    __u64 timestamp_ns;
    __u32 event_type;
    __u32 padding[5];
};

#define GPIO_V2_LINE_EVENT_RISING_EDGE ...
#define GPIO_V2_LINE_EVENT_FALLING_EDGE ...

struct gpio_v2_line_event {
    __u64 timestamp_ns;
    __u32 id;
    __u32 offset;
    __u32 seqno;
    __u32 line_seqno;
    __u32 padding[6];
};

#define GPIO_GET_CHIPINFO_IOCTL ...
#define GPIO_GET_LINEINFO_UNWATCH_IOCTL ...
#define GPIO_V2_GET_LINEINFO_IOCTL ...
#define GPIO_V2_GET_LINEINFO_WATCH_IOCTL ...
#define GPIO_V2_GET_LINE_IOCTL ...
#define GPIO_V2_LINE_SET_CONFIG_IOCTL ...
#define GPIO_V2_LINE_GET_VALUES_IOCTL ...
#define GPIO_V2_LINE_SET_VALUES_IOCTL ...
