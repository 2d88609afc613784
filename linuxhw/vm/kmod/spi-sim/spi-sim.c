// SPDX-License-Identifier: GPL-2.0
/*
 * linuxhw SPI simulator: one software SPI controller (host) with two devices
 * bound to spidev, and a record of every transfer in debugfs.  The project's
 * Python mock implements the same models; keep the two in step.
 *
 * Identity.  The controller's parent is a platform device named
 * "lhw-spi-sim" (no driver): /sys/devices/platform/lhw-spi-sim/spi_master/spiB
 * is the controller, bus number B is dynamic.  Its devices are spiB.0
 * (modalias "spi:lhw-spi-sim-loop") and spiB.1 ("spi:lhw-spi-sim-flash"),
 * both with driver_override "spidev": /dev/spidevB.0 and /dev/spidevB.1.
 *
 * Controller: num_chipselect 2, every mode bit user space can name
 * (SPI_MODE_USER_MASK, bits 0..18, SPI_CS_WORD included), bits_per_word 1..32,
 * speeds 1 kHz..50 MHz (the core clamps a faster transfer to 50 MHz and
 * rejects a slower one with EINVAL).  Device max_speed_hz: CS0 50 MHz, CS1
 * 25 MHz (spidev's default speed for a transfer with speed_hz 0).
 *
 * The wire.  Each transfer that has a tx or an rx buffer and len > 0 clocks
 * len bytes; the master shifts out tx (zeros without a tx buffer) and stores
 * what comes back in rx (if any).  A transfer with neither buffer clocks
 * nothing (as the core's own transfer_one_message does).  Buffers are taken as
 * byte streams whatever bits_per_word (words > 8 bits are in CPU order) and
 * whatever SPI_LSB_FIRST: the models see the bytes as they are in memory.
 * Mode bits other than those below change nothing but the record.
 *   SPI_LOOP     rx = tx (controller-internal loopback), on either device;
 *                the selected device still receives the bytes.
 *   SPI_NO_CS    the controller never asserts this device's CS (the flash is
 *                then never selected and answers nothing); a message for it
 *                still deasserts any other asserted CS.
 *   SPI_CS_WORD  CS deasserts and reasserts between the words of a transfer.
 *   SPI_CS_HIGH  polarity only: "asserted" below means logically active.
 * A device whose CS is not asserted does not drive MISO: rx reads 0xFF.
 *
 * Chip select.  One CS at most is asserted at a time: asserting one first
 * deasserts the other.  A message asserts its device's CS before its first
 * transfer; after a transfer with cs_change, CS deasserts, waits
 * cs_change_delay (10 us when 0), and reasserts before the next transfer;
 * cs_change on the last transfer leaves CS asserted after the message, so the
 * next message to the same device continues the same flash command.  Without
 * it CS deasserts at the end of the message.  spi_setup() (spidev's
 * SPI_IOC_WR_* ioctls) deasserts the device's CS if it was asserted.
 * After each transfer the transfer's delay is waited; word_delay is waited
 * between words (once per word boundary, all at once after the data).
 *
 * CS0, loopback: MISO = MOSI byte for byte, selected or not.
 *
 * CS1, serial flash (W25Q-like), 64 KiB, initially all 0xFF, JEDEC ID EF 40 11.
 * A command is the bytes between CS assert and deassert; its first byte is the
 * opcode.  Bytes clocked out during the opcode, address and dummy bytes and
 * after the answer of a command are 0xFF.  Addresses are 3 bytes big-endian,
 * masked to 16 bits.  Status register: bit 0 BUSY, bit 1 WEL.
 *   0x9F  JEDEC ID: EF 40 11, then 0xFF.
 *   0x05  read status: the status register for every further byte.
 *   0x06 / 0x04  set / clear WEL, at the opcode byte.
 *   0x03  read: 3 address bytes, then data from there, wrapping at 64 KiB.
 *   0x0B  fast read: 3 address bytes, 1 dummy byte, then data as 0x03.
 *   0x02  page program: 3 address bytes, then data into a 256-byte page
 *         buffer (all 0xFF at the opcode) at the address's offset in its
 *         page, wrapping within the page (a later byte replaces an earlier
 *         one at the same offset).  At CS deassert, if WEL is set and at
 *         least one data byte came, every byte of the page becomes
 *         old & buffer.
 *   0x20  sector erase: at deassert, if WEL is set and the 3 address bytes
 *         came, the 4 KiB sector holding the address becomes 0xFF.
 *   0xC7  chip erase: at deassert, if WEL is set, all 0xFF.
 *         (Extra bytes after a complete erase command are ignored.)
 *   0x02, 0x20, 0xC7 clear WEL at deassert, whether or not they took effect.
 *   A program or erase that took effect makes BUSY read 1 in the next two
 *   status bytes clocked out (by any number of 0x05 commands), then 0.  A
 *   command other than 0x05 whose opcode arrives while BUSY is ignored:
 *   0xFF out, no effect.  Unknown opcodes: ignored, 0xFF out.
 *
 * Record (debugfs, /sys/kernel/debug/lhw-spi-sim/log; writing clears it; the
 * last 256 lines are kept), one line per transfer of every message:
 *   cs=1 mode=0x0 speed=25000000 bits=8 len=4 tx_nbits=1 rx_nbits=1
 *   cs_change=0 delay_us=0 word_delay_us=0 tx=9f000000 rx=ffef4011
 * (one line; mode is spi->mode; speed and bits as used, after the core's
 * defaults and clamping; tx_nbits/rx_nbits as the core leaves them: 0 becomes
 * 1 for a present buffer, a missing buffer's value stays as given; delays in
 * us; tx/rx are what was on the wire, hex, the first 32 bytes only, empty when
 * nothing was clocked) and a line "cs=N assert" / "cs=N deassert" for each
 * chip-select change.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <linux/string.h>
#include <linux/version.h>

#define SIM_NAME "lhw-spi-sim"
#define SIM_NUM_CS 2
#define SIM_CS_LOOP 0
#define SIM_CS_FLASH 1
#define SIM_MAX_HZ 50000000
#define SIM_MIN_HZ 1000
#define SIM_LOOP_MAX_HZ 50000000
#define SIM_FLASH_MAX_HZ 25000000
#define SIM_NO_CS (-1)

/* Newer user mode bits: the simulator accepts every bit that its kernel knows (e.g. 6.1 has neither). */
#if defined(SPI_MOSI_IDLE_HIGH)
#define SIM_MOSI_IDLE_BITS (SPI_MOSI_IDLE_LOW | SPI_MOSI_IDLE_HIGH)
#elif defined(SPI_MOSI_IDLE_LOW)
#define SIM_MOSI_IDLE_BITS SPI_MOSI_IDLE_LOW
#else
#define SIM_MOSI_IDLE_BITS 0
#endif
#define SIM_MODE_BITS (SPI_CPHA | SPI_CPOL | SPI_CS_HIGH | SPI_LSB_FIRST | \
		       SPI_3WIRE | SPI_LOOP | SPI_NO_CS | SPI_READY | \
		       SPI_TX_DUAL | SPI_TX_QUAD | SPI_TX_OCTAL | \
		       SPI_RX_DUAL | SPI_RX_QUAD | SPI_RX_OCTAL | \
		       SPI_CS_WORD | SPI_3WIRE_HIZ | SPI_RX_CPHA_FLIP | \
		       SIM_MOSI_IDLE_BITS)
static_assert(SIM_MODE_BITS == SPI_MODE_USER_MASK, "a user mode bit is missing");

#define FLASH_SIZE SZ_64K
#define FLASH_PAGE 256
#define FLASH_SECTOR SZ_4K
#define FLASH_BUSY_READS 2
#define SR_BUSY 0x01
#define SR_WEL 0x02

enum flash_cmd {
	CMD_PP = 0x02,
	CMD_READ = 0x03,
	CMD_WRDI = 0x04,
	CMD_RDSR = 0x05,
	CMD_WREN = 0x06,
	CMD_FAST_READ = 0x0b,
	CMD_SE = 0x20,
	CMD_JEDEC = 0x9f,
	CMD_CE = 0xc7,
};

static const u8 flash_jedec[] = { 0xef, 0x40, 0x11 };

#define LOG_LINES 256
#define LOG_HEX_BYTES 32
#define LOG_LINE_LEN 320

struct sim_flash {
	u8 mem[FLASH_SIZE];
	bool wel;
	unsigned int busy_reads;	/* status bytes that still read BUSY */
	/* The command in progress while CS is asserted. */
	unsigned int pos;		/* bytes clocked since CS asserted */
	u8 cmd;
	bool ignored;			/* opcode arrived while BUSY */
	u32 addr;
	unsigned int ndata;		/* page program: data bytes so far */
	u8 page[FLASH_PAGE];
};

static struct {
	struct mutex lock;		/* the wire, the models and the log */
	struct platform_device *pdev;
	struct spi_controller *ctlr;
	int active;			/* asserted CS, or SIM_NO_CS */
	struct sim_flash flash;
	char (*log)[LOG_LINE_LEN];
	unsigned int log_first, log_count;
	struct dentry *dbg;
} sim;

/* --- the record --------------------------------------------------------------------------- */

static __printf(1, 2) void sim_log(const char *fmt, ...)
{
	va_list args;
	unsigned int slot;

	if (sim.log_count < LOG_LINES) {
		slot = (sim.log_first + sim.log_count++) % LOG_LINES;
	} else {
		slot = sim.log_first;
		sim.log_first = (sim.log_first + 1) % LOG_LINES;
	}
	va_start(args, fmt);
	vscnprintf(sim.log[slot], LOG_LINE_LEN, fmt, args);
	va_end(args);
}

static int sim_log_show(struct seq_file *s, void *unused)
{
	unsigned int i;

	mutex_lock(&sim.lock);
	for (i = 0; i < sim.log_count; i++)
		seq_printf(s, "%s\n", sim.log[(sim.log_first + i) % LOG_LINES]);
	mutex_unlock(&sim.lock);
	return 0;
}

static int sim_log_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, sim_log_show, NULL, LOG_LINES * (LOG_LINE_LEN + 1));
}

static ssize_t sim_log_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	mutex_lock(&sim.lock);
	sim.log_first = 0;
	sim.log_count = 0;
	mutex_unlock(&sim.lock);
	return len;
}

static const struct file_operations sim_log_fops = {
	.owner = THIS_MODULE,
	.open = sim_log_open,
	.read = seq_read,
	.write = sim_log_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* --- the flash ---------------------------------------------------------------------------- */

static void flash_reset(struct sim_flash *f)
{
	memset(f, 0, sizeof(*f));
	memset(f->mem, 0xff, sizeof(f->mem));
}

static void flash_select(struct sim_flash *f)
{
	f->pos = 0;
}

static void flash_deselect(struct sim_flash *f)
{
	bool done = false;

	if (f->pos == 0 || f->ignored)
		goto out;
	switch (f->cmd) {
	case CMD_PP:
		if (f->wel && f->ndata > 0) {
			u8 *page = f->mem + (f->addr & ~(FLASH_PAGE - 1));
			unsigned int i;

			for (i = 0; i < FLASH_PAGE; i++)
				page[i] &= f->page[i];
			done = true;
		}
		f->wel = false;
		break;
	case CMD_SE:
		if (f->wel && f->pos >= 4) {
			memset(f->mem + (f->addr & ~(FLASH_SECTOR - 1)), 0xff, FLASH_SECTOR);
			done = true;
		}
		f->wel = false;
		break;
	case CMD_CE:
		if (f->wel) {
			memset(f->mem, 0xff, sizeof(f->mem));
			done = true;
		}
		f->wel = false;
		break;
	default:
		break;
	}
	if (done)
		f->busy_reads = FLASH_BUSY_READS;
out:
	f->pos = 0;
}

/* One byte clocked while the flash is selected: MOSI in, MISO out. */
static u8 flash_byte(struct sim_flash *f, u8 in)
{
	unsigned int pos = f->pos++;
	u8 out;

	if (pos == 0) {
		f->cmd = in;
		f->addr = 0;
		f->ndata = 0;
		f->ignored = f->busy_reads && in != CMD_RDSR;
		if (f->ignored)
			return 0xff;
		if (in == CMD_WREN)
			f->wel = true;
		else if (in == CMD_WRDI)
			f->wel = false;
		else if (in == CMD_PP)
			memset(f->page, 0xff, sizeof(f->page));
		return 0xff;
	}
	if (f->ignored)
		return 0xff;

	switch (f->cmd) {
	case CMD_JEDEC:
		return pos <= ARRAY_SIZE(flash_jedec) ? flash_jedec[pos - 1] : 0xff;
	case CMD_RDSR:
		out = (f->wel ? SR_WEL : 0) | (f->busy_reads ? SR_BUSY : 0);
		if (f->busy_reads)
			f->busy_reads--;
		return out;
	case CMD_READ:
	case CMD_FAST_READ:
	case CMD_PP:
	case CMD_SE:
		if (pos <= 3) {
			f->addr = ((f->addr << 8) | in) & (FLASH_SIZE - 1);
			return 0xff;
		}
		break;
	default:
		return 0xff;
	}

	switch (f->cmd) {
	case CMD_FAST_READ:
		if (pos == 4)
			return 0xff;	/* dummy byte */
		fallthrough;
	case CMD_READ:
		out = f->mem[f->addr];
		f->addr = (f->addr + 1) & (FLASH_SIZE - 1);
		return out;
	case CMD_PP:
		f->page[(f->addr + f->ndata) & (FLASH_PAGE - 1)] = in;
		f->ndata++;
		return 0xff;
	default:
		return 0xff;	/* bytes after a sector erase's address */
	}
}

/* --- the wire ----------------------------------------------------------------------------- */

/* Assert chip select cs (deasserting any other first), or none with SIM_NO_CS. */
static void sim_select(int cs)
{
	if (sim.active == cs)
		return;
	if (sim.active != SIM_NO_CS) {
		if (sim.active == SIM_CS_FLASH)
			flash_deselect(&sim.flash);
		sim_log("cs=%d deassert", sim.active);
	}
	sim.active = cs;
	if (cs != SIM_NO_CS) {
		if (cs == SIM_CS_FLASH)
			flash_select(&sim.flash);
		sim_log("cs=%d assert", cs);
	}
}

/* The logical chip select of spi: on asserts it (unless SPI_NO_CS), off deasserts it. */
static void sim_cs(struct spi_device *spi, bool on)
{
	int cs = spi_get_chipselect(spi, 0);

	if (on)
		sim_select((spi->mode & SPI_NO_CS) ? SIM_NO_CS : cs);
	else if (sim.active == cs)
		sim_select(SIM_NO_CS);
}

static u8 sim_miso(int cs, u8 mosi)
{
	if (cs == SIM_CS_LOOP)
		return mosi;
	if (sim.active == SIM_CS_FLASH)
		return flash_byte(&sim.flash, mosi);
	return 0xff;
}

static unsigned int sim_delay_us(struct spi_delay *delay, struct spi_transfer *xfer)
{
	int ns = spi_delay_to_ns(delay, xfer);

	return ns > 0 ? ns / NSEC_PER_USEC : 0;
}

static void sim_transfer(struct spi_device *spi, struct spi_transfer *xfer)
{
	int cs = spi_get_chipselect(spi, 0);
	const u8 *tx = xfer->tx_buf;
	u8 *rx = xfer->rx_buf;
	unsigned int len = (tx || rx) ? xfer->len : 0;
	unsigned int wsize, i, shown = min_t(unsigned int, len, LOG_HEX_BYTES);
	u8 wire_tx[LOG_HEX_BYTES], wire_rx[LOG_HEX_BYTES];
	int word_ns;

	xfer->effective_speed_hz = xfer->speed_hz;
	wsize = xfer->bits_per_word <= 8 ? 1 : xfer->bits_per_word <= 16 ? 2 : 4;

	for (i = 0; i < len; i++) {
		u8 mosi = tx ? tx[i] : 0;
		u8 miso;

		if (i && i % wsize == 0 && (spi->mode & SPI_CS_WORD) && !xfer->cs_off) {
			sim_cs(spi, false);
			sim_cs(spi, true);
		}
		miso = sim_miso(cs, mosi);
		if (spi->mode & SPI_LOOP)
			miso = mosi;
		if (rx)
			rx[i] = miso;
		if (i < LOG_HEX_BYTES) {
			wire_tx[i] = mosi;
			wire_rx[i] = miso;
		}
	}

	sim_log("cs=%d mode=0x%x speed=%u bits=%u len=%u tx_nbits=%u rx_nbits=%u cs_change=%u delay_us=%u word_delay_us=%u tx=%*phN rx=%*phN",
		cs, spi->mode, xfer->speed_hz, xfer->bits_per_word, xfer->len,
		xfer->tx_nbits, xfer->rx_nbits, xfer->cs_change,
		sim_delay_us(&xfer->delay, xfer), sim_delay_us(&xfer->word_delay, xfer),
		shown, wire_tx, shown, wire_rx);

	word_ns = spi_delay_to_ns(&xfer->word_delay, xfer);
	if (word_ns > 0 && len / wsize > 1)
		fsleep(div_u64((u64)word_ns * (len / wsize - 1), NSEC_PER_USEC));
}

static void sim_cs_change_delay(struct spi_transfer *xfer)
{
	struct spi_delay dflt = { .value = 10, .unit = SPI_DELAY_UNIT_USECS };

	if (!xfer->cs_change_delay.value) {
		if (xfer->cs_change_delay.unit == SPI_DELAY_UNIT_USECS)
			spi_delay_exec(&dflt, xfer);
		return;
	}
	if (spi_delay_exec(&xfer->cs_change_delay, xfer))
		spi_delay_exec(&dflt, xfer);
}

static int sim_transfer_one_message(struct spi_controller *ctlr, struct spi_message *msg)
{
	struct spi_device *spi = msg->spi;
	struct spi_transfer *xfer;
	bool keep_cs = false;

	mutex_lock(&sim.lock);
	list_for_each_entry(xfer, &msg->transfers, transfer_list) {
		sim_cs(spi, !xfer->cs_off);
		sim_transfer(spi, xfer);
		msg->actual_length += xfer->len;
		spi_transfer_delay_exec(xfer);
		if (xfer->cs_change) {
			if (list_is_last(&xfer->transfer_list, &msg->transfers)) {
				keep_cs = true;
			} else {
				sim_cs(spi, false);
				sim_cs_change_delay(xfer);
			}
		}
	}
	if (!keep_cs)
		sim_cs(spi, false);
	mutex_unlock(&sim.lock);

	msg->status = 0;
	spi_finalize_current_message(ctlr);
	return 0;
}

/* Called by spi_setup() only (we have our own transfer_one_message): level is the CS line's. */
static void sim_set_cs(struct spi_device *spi, bool level)
{
	bool activate = level == !!(spi->mode & SPI_CS_HIGH);

	if (activate)
		return;
	mutex_lock(&sim.lock);
	sim_cs(spi, false);
	mutex_unlock(&sim.lock);
}

/* --- setup -------------------------------------------------------------------------------- */

static int sim_add_device(unsigned int cs, u32 max_speed_hz, const char *modalias)
{
	struct spi_device *spi;
	int ret;

	spi = spi_alloc_device(sim.ctlr);
	if (!spi)
		return -ENOMEM;
#ifdef SPI_CS_CNT_MAX	/* a device with several chip selects (6.9); before, just one */
	{
		unsigned int idx;

		for (idx = 0; idx < SPI_CS_CNT_MAX; idx++)
			spi_set_chipselect(spi, idx, 0xff);	/* unused (SPI_INVALID_CS) */
		spi->cs_index_mask = BIT(0);
	}
#endif
	spi_set_chipselect(spi, 0, cs);
	spi->max_speed_hz = max_speed_hz;
	spi->mode = SPI_MODE_0;
	spi->bits_per_word = 8;
	strscpy(spi->modalias, modalias, sizeof(spi->modalias));
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	/* struct device's own override: newer kernels, and Debian's 6.12.y has it backported */
	ret = device_set_driver_override(&spi->dev, "spidev");
#else
	ret = driver_set_override(&spi->dev, &spi->driver_override, "spidev", strlen("spidev"));
#endif
	if (!ret)
		ret = spi_add_device(spi);
	if (ret) {
		spi_dev_put(spi);
		return ret;
	}
	return 0;
}

static int __init sim_init(void)
{
	struct spi_controller *ctlr;
	int ret;

	mutex_init(&sim.lock);
	sim.active = SIM_NO_CS;
	flash_reset(&sim.flash);
	sim.log = kvcalloc(LOG_LINES, LOG_LINE_LEN, GFP_KERNEL);
	if (!sim.log)
		return -ENOMEM;

	sim.pdev = platform_device_register_simple(SIM_NAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(sim.pdev)) {
		ret = PTR_ERR(sim.pdev);
		goto err_log;
	}

	ctlr = spi_alloc_host(&sim.pdev->dev, 0);
	if (!ctlr) {
		ret = -ENOMEM;
		goto err_pdev;
	}
	ctlr->bus_num = -1;
	ctlr->num_chipselect = SIM_NUM_CS;
	ctlr->mode_bits = SIM_MODE_BITS;
	ctlr->bits_per_word_mask = SPI_BPW_RANGE_MASK(1, 32);
	ctlr->min_speed_hz = SIM_MIN_HZ;
	ctlr->max_speed_hz = SIM_MAX_HZ;
	ctlr->transfer_one_message = sim_transfer_one_message;
	ctlr->set_cs = sim_set_cs;
	ret = spi_register_controller(ctlr);
	if (ret) {
		spi_controller_put(ctlr);
		goto err_pdev;
	}
	sim.ctlr = ctlr;

	ret = sim_add_device(SIM_CS_LOOP, SIM_LOOP_MAX_HZ, SIM_NAME "-loop");
	if (!ret)
		ret = sim_add_device(SIM_CS_FLASH, SIM_FLASH_MAX_HZ, SIM_NAME "-flash");
	if (ret)
		goto err_ctlr;

	sim.dbg = debugfs_create_dir(SIM_NAME, NULL);
	debugfs_create_file("log", 0644, sim.dbg, NULL, &sim_log_fops);
	dev_info(&ctlr->dev, "%s ready: bus %d\n", SIM_NAME, ctlr->bus_num);
	return 0;

err_ctlr:
	spi_unregister_controller(ctlr);	/* and its devices */
err_pdev:
	platform_device_unregister(sim.pdev);
err_log:
	kvfree(sim.log);
	return ret;
}

static void __exit sim_exit(void)
{
	debugfs_remove_recursive(sim.dbg);
	spi_unregister_controller(sim.ctlr);
	platform_device_unregister(sim.pdev);
	kvfree(sim.log);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("linuxhw SPI simulator: a software SPI controller with a loopback and a serial flash");
MODULE_AUTHOR("linuxhw project");
MODULE_LICENSE("GPL");
