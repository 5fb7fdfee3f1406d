// A cold resident function (gcc puts it in .text.unlikely) calling __init
// code: checked since ".text.*" joined TEXT_SECTIONS (6.1.y stable, 6.2).
#include <linux/init.h>
#include <linux/module.h>

static noinline int __init tu_probe(int x)
{
	return x + 1;
}

__cold noinline int tu_slow_path(int x)
{
	return tu_probe(x);
}
EXPORT_SYMBOL_GPL(tu_slow_path);

static int __init tu_init(void)
{
	return tu_probe(0) ? 0 : -EINVAL;
}

module_init(tu_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: .text.unlikely -> init");
