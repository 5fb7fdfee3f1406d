#include <linux/module.h>
#include <linux/init.h>
static int __init p2_init(void) { return 0; }
module_init(p2_init);
MODULE_LICENSE("GPL");
