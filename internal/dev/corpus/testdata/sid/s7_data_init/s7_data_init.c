// Resident data pointing at init code and init data.
#include <linux/init.h>
#include <linux/module.h>

static int __init noinline s7di_setup(void)
{
	return 0;
}

static int s7di_initval __initdata = 7;

int (*s7di_hook)(void) = s7di_setup;
int *s7di_ptr = &s7di_initval;

static int __init s7di_init(void)
{
	return s7di_hook() + *s7di_ptr - 7;
}
module_init(s7di_init);

static void __exit s7di_exit(void)
{
}
module_exit(s7di_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec 7.x case: data -> init");
