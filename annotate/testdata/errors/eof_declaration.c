// A declaration that is not ended.

//go:init-section initdata
static int x = 1 // want "declaration is not terminated before the end of the file"
