// An init function whose error path calls the __exit cleanup function.
#include <linux/init.h>
#include <linux/module.h>

static int ite_fail = 1;
module_param(ite_fail, int, 0444);

static noinline void __exit ite_cleanup(void)
{
	pr_info("ite: cleanup\n");
}

static int __init ite_init(void)
{
	if (ite_fail) {
		ite_cleanup();
		return -ENODEV;
	}
	return 0;
}

static void __exit ite_exit(void)
{
	ite_cleanup();
}

module_init(ite_init);
module_exit(ite_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: init -> exit");
