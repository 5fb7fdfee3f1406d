#include <linux/module.h>
#include <linux/init.h>
static int __init p1_init(void) { return 0; }
module_init(p1_init);
MODULE_LICENSE("GPL");
