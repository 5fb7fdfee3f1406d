// Resident code (.text) calling an __init function and reading __initdata.
#include <linux/init.h>
#include <linux/module.h>

static int tti_limit __initdata = 7;

static noinline int __init tti_helper(int x)
{
	return x * 3;
}

noinline int tti_resident(int x)
{
	return tti_helper(x) + tti_limit;
}
EXPORT_SYMBOL_GPL(tti_resident);

static int __init tti_init(void)
{
	return tti_resident(1) > 0 ? 0 : -EINVAL;
}

module_init(tti_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: text -> init");
