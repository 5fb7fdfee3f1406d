// SPDX-License-Identifier: GPL-2.0
/*
 * mac: a macro-style module for initsec's apply tests. Each helper's
 * comment says what suggest -apply must do with it.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>

MODULE_LICENSE("GPL");

static volatile int sink;

/* Annotated __init: called only from the init function. */
static noinline int parse_opts(int v)
{
	sink = v * 3;
	return 0;
}

/* Annotated __init, in the next round or this one: only parse_opts2 calls it. */
static noinline void leaf(int v) { sink = v ^ 5; }
static noinline void parse_opts2(int v) { leaf(v + 2); sink = v; }

/* Never: its address is stored in a resident ops table. */
static noinline int mac_open(struct inode *i, struct file *f) { sink = 7; return 0; }
static const struct file_operations mac_fops = { .owner = THIS_MODULE, .open = mac_open };
static struct miscdevice mac_misc = { .minor = MISC_DYNAMIC_MINOR, .name = "initsec-mac", .fops = &mac_fops };

/* Never: init stores its address in a variable at run time. */
static noinline void hook_cb(int v) { sink = v + 100; }
static void (*hook)(int);

/* Never: called from __ref code, which runs after init. */
static noinline void ref_helper(int v) { sink = v - 1; }
static int __ref mac_ref(void) { ref_helper(3); return 0; }

/* Never: exported. */
noinline void mac_exported(int v) { sink = v * 7; }
EXPORT_SYMBOL_GPL(mac_exported);

/* __initconst: a const table read only by init. */
static const int mac_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };

/* __initdata: a writable table only init touches. */
static int mac_scratch[16] = { 1 };

/* __exit: called only from the exit function. */
static noinline void mac_teardown(int v)
{
	sink = v - 9;
}

static int __init mac_init(void)
{
	int i;

	parse_opts(1);
	parse_opts2(3);
	for (i = 0; i < 8; i++) {
		mac_scratch[i] += mac_table[sink & 7];
		sink = mac_scratch[i];
	}
	hook = hook_cb;
	return misc_register(&mac_misc);
}

static void __exit mac_exit(void)
{
	mac_teardown(5);
	if (hook)
		hook(1);
	mac_ref();
	misc_deregister(&mac_misc);
}

module_init(mac_init);
module_exit(mac_exit);
