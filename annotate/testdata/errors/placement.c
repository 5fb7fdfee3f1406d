// Directives that are misplaced, malformed or have no declaration under them.

// code before the directive
// want +1 "directive is not alone on its line"
int x; //go:init-section init

// preprocessor line before the directive
// want +1 "directive is not alone on its line"
#define X 1 //go:init-section init

// block comment before the directive
// want +1 "directive is not alone on its line"
/* x */ //go:init-section init
static int f(void) {}

// blank line
// want +1 "directive has no declaration under it"
//go:init-section init

static int f(void) {}

// blank line after a comment
// want +1 "directive has no declaration under it"
//go:init-section init
// note
  	
static int f(void) {}

// preprocessor line
// want +1 "directive has no declaration under it"
//go:init-section init
#ifdef CONFIG_X
static int f(void) {}
#endif

// another directive
// want +1 "directive has no declaration under it"
//go:init-section init
//go:init-section exit
static void f(void) {}

// directive inside a function body
static int f(void)
{
	// want +1 "directive inside a block"
	//go:init-section initdata
	static int x;
	return x;
}

// directive inside an annotated function
//go:init-section init
static int f(void)
{
	// want +1 "directive inside the declaration that starts at 53:1"
	//go:init-section initdata
	static int x;
	return x;
}

// directive continued by a backslash
// want +1 "directive ends with a backslash, which continues the comment onto the next line"
//go:init-section init \
static int f(void) {}

// space after //
// want +1 `malformed directive "// go:init-section init"`
// go:init-section init
static int f(void) {}

// underscore
// want +1 `malformed directive "//go:init_section init"`
//go:init_section init
static int f(void) {}

// run together
// want +1 `malformed directive "//go:init-sectioninit"`
//go:init-sectioninit
static int f(void) {}

// bad directive
// want +1 `unknown kind "bogus"`
//go:init-section bogus
static int x;

// indented bad directive
	// want +1 `unknown initcall level "never"`
	//go:init-section init initcall=never
static int f(void) {}
