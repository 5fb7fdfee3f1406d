// An exit function reading __initdata and calling an __init function.
#include <linux/init.h>
#include <linux/module.h>

static int eti_count __initdata = 3;

static noinline int __init eti_probe_hw(void)
{
	return eti_count;
}

static int __init eti_init(void)
{
	return eti_probe_hw() > 0 ? 0 : -ENODEV;
}

static void __exit eti_exit(void)
{
	pr_info("eti: %d %d\n", eti_count, eti_probe_hw());
}

module_init(eti_init);
module_exit(eti_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: exit -> init");
