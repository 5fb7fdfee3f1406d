// SPDX-License-Identifier: GPL-2.0
#include <linux/export.h>
#include <linux/init.h>
#include "glob.h"

extern volatile int glob_sink;

/* Called only from glob_init: becomes __init. */
int glob_setup(int v)
{
	glob_sink = v * 3;
	return glob_sink + 1;
}

/* Read only by glob_init: becomes __initconst. */
const int glob_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };

/* Exported: stays. */
void glob_exported(int v)
{
	glob_sink = v * 5;
}
EXPORT_SYMBOL_GPL(glob_exported);

/* Made by a macro: no definition to annotate, a skip. */
#define DEFINE_GLOB(name, k) int name(int v) { glob_sink = v * (k); return 0; }
DEFINE_GLOB(glob_macro, 7)
