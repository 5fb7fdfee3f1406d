// Every error in a file is reported, in position order.

//go:init-section init
static int x; // want "x is an object, but init annotates function definitions"
//go:init-section initdata
static int f(void) { return 0; } // want "f is a function, but initdata annotates objects"
// want +1 "directive is not alone on its line"
int y; //go:init-section init
// want +1 `unknown kind "bogus"`
//go:init-section bogus
static int z;
