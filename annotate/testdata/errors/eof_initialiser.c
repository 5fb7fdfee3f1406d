// An initialiser that is not closed.

//go:init-section initdata
static int x[] = { 1, // want `"\{" is not closed before the end of the file`
