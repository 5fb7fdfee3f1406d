// Exit code using init code and init data, and init code using exit code.
// The objects are global and the functions have side effects, so that gcc
// keeps every reference.
#include <linux/init.h>
#include <linux/module.h>

extern int s7xi_limit;
extern int s7xi_count;
int s7xi_setup(void);
void s7xi_cleanup(void);

int s7xi_limit __initdata = 3;
int s7xi_count;

int __init noinline s7xi_setup(void)
{
	s7xi_count++;
	return s7xi_limit;
}

void __exit noinline s7xi_cleanup(void)
{
	s7xi_count = 0;
}

static int __init s7xi_init(void)
{
	if (s7xi_setup() > 100)
		s7xi_cleanup();
	return 0;
}
module_init(s7xi_init);

static void __exit s7xi_exit(void)
{
	s7xi_count = s7xi_limit + s7xi_setup();
	s7xi_cleanup();
}
module_exit(s7xi_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec 7.x case: exit -> init, init -> exit");
