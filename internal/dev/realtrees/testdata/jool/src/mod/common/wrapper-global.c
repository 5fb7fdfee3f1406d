#include "common/global.c"
