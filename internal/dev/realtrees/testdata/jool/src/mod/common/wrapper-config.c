#include "common/config.c"
