// Resident data holding the address of an __exit function.
#include <linux/init.h>
#include <linux/module.h>

static void __exit dte_cleanup(void)
{
}

void (*dte_hook)(void) = dte_cleanup;
EXPORT_SYMBOL_GPL(dte_hook);

static int __init dte_init(void)
{
	return 0;
}

module_init(dte_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: data -> exit");
