// Compiler clones of resident functions that refer to __init code: gcc
// names them NAME.isra.N, NAME.constprop.N, NAME.part.N and NAME.cold.
// modpost names them as they are; *.constprop.* text -> init is
// whitelisted (pattern 5). Which clones gcc makes depends on its version
// and target: the expected findings are whatever kbuild's modpost printed.
#include <linux/init.h>
#include <linux/module.h>
#include <linux/kernel.h>

static int cl_table[16] __initdata = { 1, 2, 3 };
static noinline int __init cl_probe(int x) { return x + cl_table[x & 15]; }

struct cl_dev {
	int id;
	int pad[31];
};

/* IPA-SRA: only dev->id is used, so gcc passes it by value: cl_id.isra.0. */
static noinline int cl_id(struct cl_dev *dev, int unused)
{
	return cl_probe(dev->id);
}

/* Constant propagation: always called with mode 3: cl_mode.constprop.0. */
static noinline int cl_mode(int x, int mode)
{
	if (mode == 3)
		return cl_probe(x) * mode;
	return x;
}

/* Partial inlining: the fast path is inlined, the rest is cl_split.part.0. */
static int cl_split(int x)
{
	int i, s = 0;

	if (likely(x < 0))
		return 0;
	for (i = 0; i < x; i++)
		s += cl_probe(i) * i + (s >> 3);
	pr_info("cl_split %d\n", s);
	return s;
}

/* The unlikely branch goes to cl_cold_path.cold in .text.unlikely. */
noinline int cl_cold_path(int x)
{
	if (unlikely(x == 42)) {
		pr_err("cl_cold_path %d\n", x);
		return cl_probe(x);
	}
	return x * 2;
}
EXPORT_SYMBOL_GPL(cl_cold_path);

int cl_entry(struct cl_dev *d, int x)
{
	return cl_id(d, x) + cl_mode(x, 3) + cl_mode(x + 1, 3) + cl_split(x) + cl_split(x + 2);
}
EXPORT_SYMBOL_GPL(cl_entry);

static int __init cl_init(void) { return cl_probe(0) - 1; }
module_init(cl_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: clones (.isra, .constprop, .part, .cold)");
