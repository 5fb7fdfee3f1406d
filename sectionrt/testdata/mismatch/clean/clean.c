// A module with correct annotations: no section mismatch in any rule set.
#include <linux/init.h>
#include <linux/module.h>

static int clean_table[4] __initdata = { 1, 2, 3, 4 };

static int __init clean_sum(void)
{
	int i, s = 0;

	for (i = 0; i < 4; i++)
		s += clean_table[i];
	return s;
}

static int __init clean_init(void)
{
	return clean_sum() == 10 ? 0 : -EINVAL;
}

static void __exit clean_exit(void)
{
}

module_init(clean_init);
module_exit(clean_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec corpus: clean");
