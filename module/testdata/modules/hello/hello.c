// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the smallest initsec example. No __init-family macro appears in
 * this file: every section placement comes from a //go:init-section
 * directive, and the generated trailer hello.initsec.h applies it.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

struct hello_greeting {
	const char *lang;
	const char *text;
};

/* Needed only while hello_init runs: freed with the module's init memory. */
//go:init-section initconst
static const struct hello_greeting hello_greetings[] = {
	{ "en", "hello" },
	{ "fr", "bonjour" },
	{ "de", "hallo" },
};

//go:init-section initdata
static int hello_count = ARRAY_SIZE(hello_greetings);

//go:init-section init initcall=device
static int hello_init(void)
{
	int i;

	for (i = 0; i < hello_count; i++)
		pr_info("hello: %s: %s\n", hello_greetings[i].lang,
			hello_greetings[i].text);
	return 0;
}

//go:init-section exit entry
static void hello_exit(void)
{
	pr_info("hello: goodbye\n");
}

MODULE_DESCRIPTION("initsec example: annotations only");
MODULE_LICENSE("GPL");

#include "hello.initsec.h"
