#include <linux/module.h>
#include <linux/init.h>

/* No directives: kbuild builds it, initsec only checks mismatches. */
static int __init gamma_init(void)
{
	return 0;
}
module_init(gamma_init);

static void __exit gamma_exit(void)
{
}
module_exit(gamma_exit);

MODULE_LICENSE("GPL");
