// Resident code calling an __exit function.
#include <linux/init.h>
#include <linux/module.h>

static noinline void __exit tte_teardown(void)
{
	pr_info("tte: teardown\n");
}

noinline void tte_reset(void)
{
	tte_teardown();
}
EXPORT_SYMBOL_GPL(tte_reset);

static int __init tte_init(void)
{
	return 0;
}

static void __exit tte_exit(void)
{
	tte_teardown();
}

module_init(tte_init);
module_exit(tte_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: text -> exit");
