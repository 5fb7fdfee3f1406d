// A function body that is not closed.

//go:init-section init
static int f(void)
{ // want `"\{" is not closed before the end of the file`
	return 0;
