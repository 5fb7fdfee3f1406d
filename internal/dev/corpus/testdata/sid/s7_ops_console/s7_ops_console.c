// Data objects that modpost 7.2 still lets refer to init and exit code:
// *_ops, *_console and *_ops.llvm.* (a *_ops symbol renamed by Clang
// ThinLTO; the asm label gives gcc's object that name). Expected: no
// finding.
#include <linux/init.h>
#include <linux/module.h>

struct s7oc_hooks {
	int (*setup)(void);
	void (*teardown)(void);
};

static int __init noinline s7oc_setup(void)
{
	return 0;
}

static void __exit noinline s7oc_teardown(void)
{
}

struct s7oc_hooks s7oc_bus_ops = { .setup = s7oc_setup, .teardown = s7oc_teardown };
struct s7oc_hooks s7oc_early_console = { .setup = s7oc_setup, .teardown = s7oc_teardown };
struct s7oc_hooks s7oc_lto __asm__("s7oc_net_ops.llvm.5641696707737373282") = { .setup = s7oc_setup };

static int __init s7oc_init(void)
{
	return s7oc_bus_ops.setup() + s7oc_early_console.setup() + s7oc_lto.setup();
}
module_init(s7oc_init);

static void __exit s7oc_exit(void)
{
	s7oc_bus_ops.teardown();
	s7oc_early_console.teardown();
}
module_exit(s7oc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec 7.x case: whitelisted *_ops, *_console, *_ops.llvm.*");
