// The other halves of export_init: EXPORT_SYMBOL_GPL of an __init function,
// EXPORT_SYMBOL of an __exit function, and __initdata exported with both.
#include <linux/init.h>
#include <linux/module.h>

int __init exg_setup(void)
{
	return 0;
}
EXPORT_SYMBOL_GPL(exg_setup);

void __exit exg_teardown(void)
{
}
EXPORT_SYMBOL(exg_teardown);

int exg_table[4] __initdata = { 1, 2, 3, 4 };
EXPORT_SYMBOL(exg_table);

int exg_gpl_table[4] __initdata = { 5, 6, 7, 8 };
EXPORT_SYMBOL_GPL(exg_gpl_table);

/* A resident export next to them: not reported. */
int exg_resident(void)
{
	return 1;
}
EXPORT_SYMBOL_GPL(exg_resident);

static int __init exg_init(void)
{
	return exg_setup() + exg_table[0] + exg_gpl_table[0] - 6;
}

static void __exit exg_exit(void)
{
	exg_teardown();
}

module_init(exg_init);
module_exit(exg_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: EXPORT_SYMBOL_GPL of init, EXPORT_SYMBOL of exit and of init data");
