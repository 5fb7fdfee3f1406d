#include "common/types.c"
