// __ref and __refdata: references from .ref.* sections are never checked.
#include <linux/init.h>
#include <linux/module.h>

static noinline int __init ref_helper(void)
{
	return 1;
}

/* Called only from init (the reason __ref is right here). */
noinline int __ref ref_caller(void)
{
	return ref_helper();
}
EXPORT_SYMBOL_GPL(ref_caller);

int (*ref_hook)(void) __refdata = ref_helper;
EXPORT_SYMBOL_GPL(ref_hook);

static int __init ref_init(void)
{
	return ref_caller() ? 0 : -EINVAL;
}

module_init(ref_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: __ref and __refdata stay silent");
