// Resident data (.data) holding the address of an __init function.
#include <linux/init.h>
#include <linux/module.h>

static int __init dti_setup(void)
{
	return 0;
}

int (*dti_hook)(void) = dti_setup;
EXPORT_SYMBOL_GPL(dti_hook);

static int __init dti_init(void)
{
	return 0;
}

module_init(dti_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: data -> init");
