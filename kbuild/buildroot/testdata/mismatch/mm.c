// SPDX-License-Identifier: GPL-2.0
// A section mismatch: mm_entry, in .text, calls the __init mm_setup.
#include <linux/init.h>
#include <linux/module.h>

int __init noinline mm_setup(void);
// A side effect, so that gcc-16 keeps the call (it folds a call to a
// function that only returns a constant, noinline or not).
int __init noinline mm_setup(void)
{
	pr_info("mm: setup\n");
	return 0;
}

int mm_entry(void);
int mm_entry(void) { return mm_setup(); }
EXPORT_SYMBOL(mm_entry);

static int __init mm_init(void) { return mm_entry(); }
static void __exit mm_exit(void) { }
module_init(mm_init);
module_exit(mm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("initsec build root test: a section mismatch");
