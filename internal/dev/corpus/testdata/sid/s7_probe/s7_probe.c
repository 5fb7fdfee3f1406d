// A data object named *_probe holding an __init function's address:
// modpost 7.0 and later report it (commit a4df2071f1a2 dropped "*_probe"
// from the whitelist); 6.12 and 6.19 let it pass.
#include <linux/init.h>
#include <linux/module.h>

static int __init noinline s7p_real_setup(void)
{
	return 0;
}

int (*s7p_bus_probe)(void) = s7p_real_setup;
int (*s7p_bus_probe_one)(void) = s7p_real_setup; /* 6.1's *_probe_one, gone since */

static int __init s7p_init(void)
{
	return s7p_bus_probe() + s7p_bus_probe_one();
}
module_init(s7p_init);

static void __exit s7p_exit(void)
{
}
module_exit(s7p_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec 7.x case: *_probe data -> .init.text");
