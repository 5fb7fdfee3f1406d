// gcc's clones calling init code: an IPA-SRA clone (NAME.isra.0), which
// modpost reports under the clone's name, and a constant-propagation
// clone (NAME.constprop.0), which its pattern 5 lets pass.
#include <linux/init.h>
#include <linux/module.h>

struct s7cl_cfg {
	int level;
	int pad[15];
};

int s7cl_state;

static int __init noinline s7cl_setup(int v)
{
	s7cl_state += v;
	return s7cl_state;
}

static noinline int s7cl_prepare(struct s7cl_cfg *cfg, int unused)
{
	return s7cl_setup(cfg->level);
}

static noinline int s7cl_scale(int x, int k)
{
	return s7cl_setup(x * k);
}

int s7cl_run(int x);

struct s7cl_cfg s7cl_a = { .level = 1 }, s7cl_b = { .level = 2 };

int s7cl_run(int x)
{
	return s7cl_prepare(&s7cl_a, 0) + s7cl_prepare(&s7cl_b, 1) + s7cl_scale(x, 3) + s7cl_scale(x + 1, 3);
}
EXPORT_SYMBOL_GPL(s7cl_run);

static int __init s7cl_init(void)
{
	return 0;
}
module_init(s7cl_init);

static void __exit s7cl_exit(void)
{
}
module_exit(s7cl_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec 7.x case: .isra and .constprop clones calling init code");
