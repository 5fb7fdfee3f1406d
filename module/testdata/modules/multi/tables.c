// SPDX-License-Identifier: GPL-2.0
#include <linux/types.h>
#include "multi.h"

//go:init-section initdata
int multi_bias = 3;

//go:init-section initconst
const char * const multi_names[] = {
	"a", /* { ; */ "b",
};

//go:init-section exitdata
static u32 multi_exit_count;

#include "tables.initsec.h"
