// A module linked from two objects (multi_obj-y := mo_core.o mo_extra.o):
// modpost reads multi_obj.o, the ld -r of both. A reference from one
// object's resident code to the other's __init code.
#include <linux/init.h>
#include <linux/module.h>

int __init mo_setup(void);

noinline int mo_resident(void)
{
	return mo_setup();
}
EXPORT_SYMBOL_GPL(mo_resident);

static int __init mo_init(void) { return mo_setup(); }
module_init(mo_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: a module of two objects");
