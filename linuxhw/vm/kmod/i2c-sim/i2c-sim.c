// SPDX-License-Identifier: GPL-2.0
/*
 * linuxhw i2c simulator: one I2C adapter with a master_xfer algorithm (so
 * I2C_RDWR works and i2c-core emulates SMBus on top of it), and a few
 * simulated devices behind it.  The project's Python mock implements the
 * same device models; keep the two in step.
 *
 *   0x50        24c02 EEPROM: 256 bytes, 1 address byte, 8-byte pages
 *   0x51        24c32 EEPROM: 4096 bytes, 2 address bytes, 32-byte pages
 *   0x1c        register device: 256 registers, WHO_AM_I (0x0f) = 0x6a,
 *               SMBus block commands 0xa0..0xbf (0xb0..0xbf store reversed)
 *   0x2a5 (10-bit) register device as above, WHO_AM_I = 0xa5
 *   0x34        a "dummy" client (i2c_new_dummy_device) so that i2c-dev's
 *               I2C_SLAVE reports EBUSY there; nothing answers (NAK).  Not
 *               0x3c, where SSD1306 displays answer: that address stays free
 *
 * Transfer rules: each message starts with a (repeated) START and the address
 * unless I2C_M_NOSTART, in which case its bytes continue the previous
 * message's segment on the same device.  An address nobody answers NAKs:
 * -ENXIO for the whole transfer unless I2C_M_IGNORE_NAK (writes then go
 * nowhere, reads return 0xff).  The STOP at the end of the transfer ends
 * every segment.
 *
 * Unplug.  Writing 1 to /sys/module/lhw_i2c_sim/parameters/unplugged acts out
 * a USB-I2C adapter's disconnect: from then on every transfer fails with
 * -ENODEV (as dln2's do once its USB device is gone), and the adapter is
 * deleted the way a USB driver's disconnect deletes it: i2c_del_adapter(),
 * whose device_unregister() takes /dev/i2c-N away at once (the write returns
 * when it has gone) and which then waits, in a worker, until the last open
 * fd is closed.  Writing 0 plugs a new adapter in once the old one is gone
 * (EBUSY if an fd still holds it 10 s later).
 */

#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/i2c.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#define SIM_NAME "linuxhw i2c simulator"
#define SIM_DUMMY_ADDR 0x34

#define REG_WHO_AM_I 0x0f
#define BLK_FIRST 0xa0
#define BLK_REVERSED 0xb0
#define BLK_LAST 0xbf
#define BLK_COUNT (BLK_LAST - BLK_FIRST + 1)
#define BLK_SIZE 255 /* the count byte bounds a block */

enum sim_kind { SIM_EEPROM, SIM_REGS };

struct sim_eeprom {
	u8 *mem;
	unsigned int size;	/* a power of two */
	unsigned int page;	/* a power of two */
	unsigned int addr_bytes; /* 1 or 2 */
	unsigned int ptr;
	u8 addr_hi;		/* first address byte of a 2-byte address */
};

struct sim_regs {
	u8 reg[256];
	u8 ptr;
	u8 blk[BLK_COUNT][BLK_SIZE];
	u8 blk_len[BLK_COUNT];
	u8 blk_count;		/* count byte of the block write in progress */
};

struct sim_dev {
	const char *name;
	u16 addr;
	bool ten;		/* answers only to I2C_M_TEN messages */
	enum sim_kind kind;
	/* Segment state, reset at START and STOP. */
	unsigned int wpos;	/* bytes written in this segment */
	unsigned int rpos;	/* bytes read in this segment */
	bool block_write;	/* this segment's command byte was a block command */
	bool block_read;	/* this segment's reads come from a block */
	bool touched;		/* addressed in the current transfer */
	union {
		struct sim_eeprom ee;
		struct sim_regs regs;
	};
};

static u8 ee_24c02[256];
static u8 ee_24c32[4096];

static struct sim_dev sim_devs[] = {
	{ .name = "24c02", .addr = 0x50, .kind = SIM_EEPROM,
	  .ee = { .mem = ee_24c02, .size = sizeof(ee_24c02), .page = 8, .addr_bytes = 1 } },
	{ .name = "24c32", .addr = 0x51, .kind = SIM_EEPROM,
	  .ee = { .mem = ee_24c32, .size = sizeof(ee_24c32), .page = 32, .addr_bytes = 2 } },
	{ .name = "regs", .addr = 0x1c, .kind = SIM_REGS },
	{ .name = "regs10", .addr = 0x2a5, .ten = true, .kind = SIM_REGS },
};

static const u8 who_am_i[ARRAY_SIZE(sim_devs)] = { 0, 0, 0x6a, 0xa5 };
static const char initial_block_a0[] = "linuxhw-sim";

static DEFINE_MUTEX(sim_lock);
static struct i2c_client *sim_dummy;

static void sim_reset_state(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_devs); i++) {
		struct sim_dev *dev = &sim_devs[i];

		if (dev->kind == SIM_EEPROM) {
			memset(dev->ee.mem, 0xff, dev->ee.size);
			dev->ee.ptr = 0;
		} else {
			memset(&dev->regs, 0, sizeof(dev->regs));
			dev->regs.reg[REG_WHO_AM_I] = who_am_i[i];
			memcpy(dev->regs.blk[0], initial_block_a0, sizeof(initial_block_a0) - 1);
			dev->regs.blk_len[0] = sizeof(initial_block_a0) - 1;
		}
	}
}

static struct sim_dev *sim_find(const struct i2c_msg *msg)
{
	bool ten = msg->flags & I2C_M_TEN;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_devs); i++)
		if (sim_devs[i].addr == msg->addr && sim_devs[i].ten == ten)
			return &sim_devs[i];
	return NULL;
}

static bool is_block_cmd(u8 cmd)
{
	return cmd >= BLK_FIRST && cmd <= BLK_LAST;
}

/* START (or repeated START) addressed to dev, or STOP: a new segment. */
static void sim_segment_reset(struct sim_dev *dev)
{
	dev->wpos = 0;
	dev->rpos = 0;
	dev->block_write = false;
	dev->block_read = false;
}

static void sim_start(struct sim_dev *dev)
{
	sim_segment_reset(dev);
	dev->touched = true;
}

static void sim_stop(struct sim_dev *dev)
{
	sim_segment_reset(dev);
	dev->touched = false;
}

static void ee_write(struct sim_eeprom *ee, unsigned int pos, u8 byte)
{
	unsigned int mask = ee->page - 1;

	if (pos < ee->addr_bytes) {
		if (ee->addr_bytes == 1)
			ee->ptr = byte & (ee->size - 1);
		else if (pos == 0)
			ee->addr_hi = byte;
		else
			ee->ptr = ((ee->addr_hi << 8) | byte) & (ee->size - 1);
		return;
	}
	ee->mem[ee->ptr] = byte;
	ee->ptr = (ee->ptr & ~mask) | ((ee->ptr + 1) & mask);
}

static u8 ee_read(struct sim_eeprom *ee)
{
	u8 byte = ee->mem[ee->ptr];

	ee->ptr = (ee->ptr + 1) & (ee->size - 1);
	return byte;
}

/*
 * The first byte of a write segment is the command: the register pointer.  A
 * block command (0xa0..0xbf) makes the rest of the segment a block write
 * (count, data); otherwise the bytes go to the registers, auto-incrementing
 * (through 0xa0..0xbf too, as plain registers).
 */
static void regs_write(struct sim_dev *dev, unsigned int pos, u8 byte)
{
	struct sim_regs *r = &dev->regs;
	unsigned int b;
	u8 *blk;

	if (pos == 0) {
		r->ptr = byte;
		dev->block_write = is_block_cmd(byte);
		return;
	}
	if (!dev->block_write) {
		r->reg[r->ptr++] = byte;
		return;
	}
	b = r->ptr - BLK_FIRST;
	blk = r->blk[b];
	if (pos == 1) {		/* the count: the block now holds what follows */
		r->blk_count = byte;
		r->blk_len[b] = 0;
		return;
	}
	if (r->blk_len[b] >= r->blk_count)
		return;		/* bytes beyond the count are ignored */
	if (r->ptr >= BLK_REVERSED) {
		memmove(blk + 1, blk, r->blk_len[b]);
		blk[0] = byte;
	} else {
		blk[r->blk_len[b]] = byte;
	}
	r->blk_len[b]++;
}

/*
 * Whether a read segment returns a block is decided at its first byte: the
 * pointer is then a block command.  Otherwise registers are read with
 * auto-increment (through 0xa0..0xbf too, as plain registers).
 */
static u8 regs_read(struct sim_dev *dev)
{
	struct sim_regs *r = &dev->regs;
	unsigned int b, pos;

	if (dev->rpos == 0)
		dev->block_read = is_block_cmd(r->ptr);
	if (!dev->block_read)
		return r->reg[r->ptr++];
	b = r->ptr - BLK_FIRST;
	pos = dev->rpos;
	if (pos == 0)
		return r->blk_len[b];
	if (pos <= r->blk_len[b])
		return r->blk[b][pos - 1];
	return 0xff;
}

/* One byte from the master to the device addressed in this segment. */
static void sim_write_byte(struct sim_dev *dev, u8 byte)
{
	if (!dev)
		return;		/* NAKed, I2C_M_IGNORE_NAK: the byte goes nowhere */
	if (dev->kind == SIM_EEPROM)
		ee_write(&dev->ee, dev->wpos, byte);
	else
		regs_write(dev, dev->wpos, byte);
	dev->wpos++;
}

/* One byte from the device to the master. */
static u8 sim_read_byte(struct sim_dev *dev)
{
	u8 byte;

	if (!dev)
		return 0xff;	/* nobody drives SDA: the pull-up reads 1s */
	byte = dev->kind == SIM_EEPROM ? ee_read(&dev->ee) : regs_read(dev);
	dev->rpos++;
	return byte;
}

static int sim_do_msg(struct sim_dev *dev, struct i2c_msg *msg)
{
	unsigned int i;

	if (!(msg->flags & I2C_M_RD)) {
		for (i = 0; i < msg->len; i++)
			sim_write_byte(dev, msg->buf[i]);
		return 0;
	}
	if (msg->flags & I2C_M_RECV_LEN) {
		u8 count;

		/*
		 * The caller sets len to the bytes it expects besides the block
		 * data (1 for the count, 2 with a PEC byte) and a buffer with
		 * room for I2C_SMBUS_BLOCK_MAX more; the adapter adds the count.
		 */
		if (msg->len < 1)
			return -EINVAL;
		count = sim_read_byte(dev);
		msg->buf[0] = count;
		if (count == 0 || count > I2C_SMBUS_BLOCK_MAX)
			return -EPROTO;
		msg->len += count;
		for (i = 1; i < msg->len; i++)
			msg->buf[i] = sim_read_byte(dev);
		return 0;
	}
	for (i = 0; i < msg->len; i++)
		msg->buf[i] = sim_read_byte(dev);
	return 0;
}

static unsigned int xfer_delay_ms; /* a module parameter: see the end of this file */
static bool sim_gone;		/* unplugged: transfers fail as on a disconnected USB adapter */

static int sim_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	struct sim_dev *dev = NULL;
	bool have_segment = false;
	unsigned int d;
	int i, ret = num;

	if (READ_ONCE(sim_gone))
		return -ENODEV;
	mutex_lock(&sim_lock);
	if (xfer_delay_ms)
		msleep(xfer_delay_ms); /* a slow bus: the caller waits uninterruptibly, as for a real adapter */
	for (i = 0; i < num; i++) {
		struct i2c_msg *msg = &msgs[i];
		int err;

		if (!(msg->flags & I2C_M_NOSTART) || !have_segment) {
			/* (Repeated) START, address, ACK or NAK. */
			dev = sim_find(msg);
			have_segment = true;
			if (dev) {
				sim_start(dev);
			} else if (!(msg->flags & I2C_M_IGNORE_NAK)) {
				dev_dbg(&adap->dev, "no device at 0x%03x%s: NAK\n",
					msg->addr, msg->flags & I2C_M_TEN ? " (10-bit)" : "");
				ret = -ENXIO;
				break;
			}
		}
		err = sim_do_msg(dev, msg);
		if (err) {
			ret = err;
			break;
		}
	}
	/* STOP */
	for (d = 0; d < ARRAY_SIZE(sim_devs); d++)
		if (sim_devs[d].touched)
			sim_stop(&sim_devs[d]);
	mutex_unlock(&sim_lock);
	return ret;
}

static u32 sim_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_10BIT_ADDR | I2C_FUNC_PROTOCOL_MANGLING |
	       I2C_FUNC_NOSTART | I2C_FUNC_SMBUS_EMUL |
	       I2C_FUNC_SMBUS_READ_BLOCK_DATA | I2C_FUNC_SMBUS_BLOCK_PROC_CALL |
	       I2C_FUNC_SMBUS_PEC;
}

static const struct i2c_algorithm sim_algo = {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	.xfer = sim_xfer,	/* a union with master_xfer since 6.10 */
#else
	.master_xfer = sim_xfer,
#endif
	.functionality = sim_func,
	/* No smbus_xfer: i2c-core emulates SMBus with I2C messages. */
};

static struct i2c_adapter sim_adapter = {
	.owner = THIS_MODULE,
	.algo = &sim_algo,
	.name = SIM_NAME,
};

/* Plug the adapter in: register it and its dummy client. */
static int sim_plug(void)
{
	int ret;

	WRITE_ONCE(sim_gone, false);
	ret = i2c_add_adapter(&sim_adapter);
	if (ret)
		return ret;
	sim_dummy = i2c_new_dummy_device(&sim_adapter, SIM_DUMMY_ADDR);
	if (IS_ERR(sim_dummy)) {
		ret = PTR_ERR(sim_dummy);
		i2c_del_adapter(&sim_adapter);
		return ret;
	}
	dev_info(&sim_adapter.dev, "%s ready\n", SIM_NAME);
	return 0;
}

static bool sim_plugged;		/* the adapter is registered and not being unplugged */
static DECLARE_COMPLETION(sim_node_gone);
static DECLARE_COMPLETION(sim_deleted);

/* The disconnect: i2c_del_adapter() returns once no fd holds the adapter. */
static void sim_unplug_work_fn(struct work_struct *work)
{
	i2c_del_adapter(&sim_adapter);	/* also unregisters the dummy client */
	sim_dummy = NULL;
	complete(&sim_deleted);
}

static DECLARE_WORK(sim_unplug_work, sim_unplug_work_fn);

/* The adapter's device has left the bus: i2c-dev's node went with it (at BUS_NOTIFY_DEL_DEVICE). */
static int sim_bus_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	if (action == BUS_NOTIFY_REMOVED_DEVICE && data == &sim_adapter.dev)
		complete(&sim_node_gone);
	return NOTIFY_DONE;
}

static struct notifier_block sim_bus_notifier = { .notifier_call = sim_bus_notify };

static int sim_set_unplugged(const char *val, const struct kernel_param *kp)
{
	bool unplug;
	int ret = kstrtobool(val, &unplug);

	if (ret)
		return ret;
	if (unplug == !sim_plugged)
		return 0;
	if (!unplug) {
		if (!wait_for_completion_timeout(&sim_deleted, 10 * HZ))
			return -EBUSY;	/* an fd still holds the unplugged adapter */
		ret = sim_plug();
		if (!ret)
			sim_plugged = true;
		return ret;
	}
	WRITE_ONCE(sim_gone, true);
	sim_plugged = false;
	reinit_completion(&sim_node_gone);
	reinit_completion(&sim_deleted);
	schedule_work(&sim_unplug_work);
	if (!wait_for_completion_timeout(&sim_node_gone, 30 * HZ))
		return -ETIMEDOUT;
	return 0;
}

static int sim_get_unplugged(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%d\n", !sim_plugged);
}

static const struct kernel_param_ops sim_unplugged_ops = {
	.set = sim_set_unplugged,
	.get = sim_get_unplugged,
};

module_param_cb(unplugged, &sim_unplugged_ops, NULL, 0644);
MODULE_PARM_DESC(unplugged, "1: disconnect the adapter as a USB-I2C adapter does; 0: plug a new one in");

static int __init sim_init(void)
{
	int ret;

	sim_reset_state();
	ret = bus_register_notifier(&i2c_bus_type, &sim_bus_notifier);
	if (ret)
		return ret;
	ret = sim_plug();
	if (ret) {
		bus_unregister_notifier(&i2c_bus_type, &sim_bus_notifier);
		return ret;
	}
	sim_plugged = true;
	return 0;
}

static void __exit sim_exit(void)
{
	flush_work(&sim_unplug_work);
	if (sim_plugged)
		i2c_del_adapter(&sim_adapter);	/* and the dummy client */
	bus_unregister_notifier(&i2c_bus_type, &sim_bus_notifier);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("linuxhw I2C simulator: an adapter with master_xfer and simulated devices");
MODULE_AUTHOR("linuxhw project");
MODULE_LICENSE("GPL");

/* Every transfer takes this long (ms, 0: no delay), for tests of a call blocked in the kernel;
 * settable at run time in /sys/module/lhw_i2c_sim/parameters/xfer_delay_ms. */
module_param(xfer_delay_ms, uint, 0644);
MODULE_PARM_DESC(xfer_delay_ms, "time every transfer takes, in ms (0: none)");
