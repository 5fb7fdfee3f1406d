// Exported __init and __exit functions: modpost 6.5 and later check them
// through .export_symbol, which only the .o has.
#include <linux/init.h>
#include <linux/module.h>

int s7ex_helper(int v);
int s7ex_gpl_helper(int v);
void s7ex_bye(void);

int __init noinline s7ex_helper(int v)
{
	return v + 1;
}
EXPORT_SYMBOL(s7ex_helper);

int __init noinline s7ex_gpl_helper(int v)
{
	return v + 2;
}
EXPORT_SYMBOL_GPL(s7ex_gpl_helper);

void __exit noinline s7ex_bye(void)
{
}
EXPORT_SYMBOL_GPL(s7ex_bye);

static int __init s7ex_init(void)
{
	return s7ex_helper(0) + s7ex_gpl_helper(0) - 3;
}
module_init(s7ex_init);

static void __exit s7ex_exit(void)
{
	s7ex_bye();
}
module_exit(s7ex_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec 7.x case: EXPORT_SYMBOL of init and exit functions");
