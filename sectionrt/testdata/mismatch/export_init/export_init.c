// EXPORT_SYMBOL of an __init function and of an __exit function.
#include <linux/init.h>
#include <linux/module.h>

int __init exi_setup(void)
{
	return 0;
}
EXPORT_SYMBOL(exi_setup);

void __exit exi_teardown(void)
{
}
EXPORT_SYMBOL_GPL(exi_teardown);

static int __init exi_init(void)
{
	return exi_setup();
}

static void __exit exi_exit(void)
{
	exi_teardown();
}

module_init(exi_init);
module_exit(exi_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: exported init/exit symbols");
