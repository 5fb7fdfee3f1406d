// Resident code calling init code and exit code, from .text and
// .text.unlikely (a __cold function). The functions have side effects, so
// that gcc keeps the calls.
#include <linux/init.h>
#include <linux/module.h>

int s7ti_setup(void);
void s7ti_teardown(void);
int s7ti_resident(void);
void s7ti_rare(void);

int s7ti_state;

int __init noinline s7ti_setup(void)
{
	return ++s7ti_state;
}

void __exit noinline s7ti_teardown(void)
{
	s7ti_state = 0;
}

int s7ti_resident(void)
{
	return s7ti_setup() + 1;
}
EXPORT_SYMBOL_GPL(s7ti_resident);

void __cold noinline s7ti_rare(void)
{
	s7ti_teardown();
}
EXPORT_SYMBOL_GPL(s7ti_rare);

static int __init s7ti_init(void)
{
	return 0;
}
module_init(s7ti_init);

static void __exit s7ti_exit(void)
{
	s7ti_teardown();
}
module_exit(s7ti_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec 7.x case: text -> init, text.unlikely -> exit");
