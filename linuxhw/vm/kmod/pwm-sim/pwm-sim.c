// SPDX-License-Identifier: GPL-2.0
/*
 * linuxhw PWM simulator: the platform device "pwm-sim.0" and a pwm_chip on it, so the kernel's PWM
 * core and its sysfs interface (/sys/class/pwm/pwmchipN) can be tested where no PWM hardware exists.
 * The project's Python mock (linuxhw/mock/pwm.py) implements the same driver; keep the two in step.
 *
 *   npwm     channels (module parameter, default 4, at most 32)
 *   tick_ns  the counter's step (default 10, a 100 MHz clock): .apply rounds period and duty down
 *            to it, and refuses an enabled period shorter than one step (EINVAL)
 *   claimed  a bit mask of channels whose .request fails with EBUSY, as when a kernel consumer
 *            holds them (settable at run time: /sys/module/lhw_pwm_sim/parameters/claimed)
 *
 * Both polarities work. .get_state reports what the "hardware" does, so a channel exported anew
 * starts from it. /sys/devices/platform/pwm-sim.0/outputs shows the hardware of every channel, one
 * line each: "<channel> <enabled 0|1> <period ns> <duty ns> <normal|inversed>".
 */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pwm.h>
#include <linux/sysfs.h>
#include <linux/version.h>

#define SIM_NAME "pwm-sim"
#define SIM_MAX_PWM 32

/* pwmchip_alloc() and the chip's own struct device came in 6.9; before, the driver embeds the chip. */
#define SIM_ALLOCATED_CHIP (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0))

static unsigned int npwm = 4;
module_param(npwm, uint, 0444);
MODULE_PARM_DESC(npwm, "number of PWM channels (1..32)");

static unsigned int tick_ns = 10;
module_param(tick_ns, uint, 0444);
MODULE_PARM_DESC(tick_ns, "counter step in ns: period and duty are rounded down to it");

static unsigned int claimed;
module_param(claimed, uint, 0644);
MODULE_PARM_DESC(claimed, "bit mask of channels whose request fails with EBUSY");

struct sim_output {
	u64 period;
	u64 duty;
	enum pwm_polarity polarity;
	bool enabled;
};

struct sim_pwm {
#if !SIM_ALLOCATED_CHIP
	struct pwm_chip chip;
#endif
	struct mutex lock;	/* outputs */
	struct sim_output outputs[SIM_MAX_PWM];
};

static struct platform_device *sim_device;

static struct sim_pwm *to_sim(struct pwm_chip *chip)
{
#if SIM_ALLOCATED_CHIP
	return pwmchip_get_drvdata(chip);
#else
	return container_of(chip, struct sim_pwm, chip);
#endif
}

static int sim_request(struct pwm_chip *chip, struct pwm_device *pwm)
{
	return READ_ONCE(claimed) & BIT(pwm->hwpwm) ? -EBUSY : 0;
}

static int sim_apply(struct pwm_chip *chip, struct pwm_device *pwm, const struct pwm_state *state)
{
	struct sim_pwm *sim = to_sim(chip);
	struct sim_output *out = &sim->outputs[pwm->hwpwm];
	u64 period;

	mutex_lock(&sim->lock);
	if (!state->enabled) {
		out->enabled = false;	/* the rest stays programmed */
		mutex_unlock(&sim->lock);
		return 0;
	}
	period = div_u64(state->period, tick_ns) * tick_ns;
	if (!period) {
		mutex_unlock(&sim->lock);
		return -EINVAL;
	}
	out->period = period;
	out->duty = div_u64(state->duty_cycle, tick_ns) * tick_ns;
	out->polarity = state->polarity;
	out->enabled = true;
	mutex_unlock(&sim->lock);
	return 0;
}

static int sim_get_state(struct pwm_chip *chip, struct pwm_device *pwm, struct pwm_state *state)
{
	struct sim_pwm *sim = to_sim(chip);
	struct sim_output *out = &sim->outputs[pwm->hwpwm];

	mutex_lock(&sim->lock);
	state->period = out->period;
	state->duty_cycle = out->duty;
	state->polarity = out->polarity;
	state->enabled = out->enabled;
	mutex_unlock(&sim->lock);
	return 0;
}

static const struct pwm_ops sim_ops = {
	.request = sim_request,
	.apply = sim_apply,
	.get_state = sim_get_state,
#if !SIM_ALLOCATED_CHIP
	.owner = THIS_MODULE,
#endif
};

static ssize_t outputs_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct sim_pwm *sim = dev_get_drvdata(dev);
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&sim->lock);
	for (i = 0; i < npwm; i++) {
		struct sim_output *out = &sim->outputs[i];

		len += sysfs_emit_at(buf, len, "%u %d %llu %llu %s\n", i, out->enabled, out->period, out->duty,
				     out->polarity == PWM_POLARITY_INVERSED ? "inversed" : "normal");
	}
	mutex_unlock(&sim->lock);
	return len;
}
static DEVICE_ATTR_RO(outputs);

static struct attribute *sim_attrs[] = {
	&dev_attr_outputs.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sim);

static int sim_probe(struct platform_device *pdev)
{
	struct sim_pwm *sim;
	struct pwm_chip *chip;

#if SIM_ALLOCATED_CHIP
	chip = devm_pwmchip_alloc(&pdev->dev, npwm, sizeof(*sim));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	sim = pwmchip_get_drvdata(chip);
#else
	sim = devm_kzalloc(&pdev->dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	chip = &sim->chip;
	chip->dev = &pdev->dev;
	chip->npwm = npwm;
#endif
	mutex_init(&sim->lock);
	chip->ops = &sim_ops;
	platform_set_drvdata(pdev, sim);
	return devm_pwmchip_add(&pdev->dev, chip);
}

static struct platform_driver sim_driver = {
	.probe = sim_probe,
	.driver = {
		.name = SIM_NAME,
		.dev_groups = sim_groups,
	},
};

static int __init sim_init(void)
{
	int ret;

	if (!npwm || npwm > SIM_MAX_PWM || !tick_ns)
		return -EINVAL;
	ret = platform_driver_register(&sim_driver);
	if (ret)
		return ret;
	sim_device = platform_device_register_simple(SIM_NAME, 0, NULL, 0);
	if (IS_ERR(sim_device)) {
		platform_driver_unregister(&sim_driver);
		return PTR_ERR(sim_device);
	}
	return 0;
}

static void __exit sim_exit(void)
{
	platform_device_unregister(sim_device);
	platform_driver_unregister(&sim_driver);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("linuxhw PWM simulator: a pwm_chip whose hardware state tests read back");
MODULE_AUTHOR("linuxhw project");
MODULE_LICENSE("GPL");
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
MODULE_IMPORT_NS("PWM");
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
MODULE_IMPORT_NS(PWM);
#endif
