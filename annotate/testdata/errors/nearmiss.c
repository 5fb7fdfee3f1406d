// Near-misses: comments meant as a directive that are not one. Each is an
// error whose hint spells the directive out, never a silently unplaced
// symbol (annotate/nearmiss.go).

// In a block comment, on one line.
/* go:init-section init */ // want "directive in a block comment"
static int f1(void) { return 0; }

/*go:init-section init initcall=device*/ // want "directive in a block comment"
static int f2(void) { return 0; }

/** go:init-section refdata reason="a b" **/ // want "directive in a block comment"
static int d3;

// want +2 "directive in a block comment"
/*
 * go:init-section exit entry
 */
static void f4(void) { }

// The directive, commented out in a block comment.
// want +2 "directive in a block comment"
/*
//go:init-section init
*/
static int f5(void) { return 0; }

// In a kernel-doc comment, and on the comment's first line.
// want +3 "directive in a block comment"
/**
 * f6 - an init function
 * //go:init-section init
 */
static int f6(void) { return 0; }

/* go:init-section initdata */ static int d7; // want "directive in a block comment"

// Misspelt line comments: taken as attempts whatever follows.
// want +1 `malformed directive "//go:initsection init"`
//go:initsection init
static int f8(void) { return 0; }

// want +1 `malformed directive "//go:init-sections init"`
//go:init-sections init
static int f9(void) { return 0; }

// want +1 `malformed directive "//GO:INIT-SECTION init"`
//GO:INIT-SECTION init
static int f10(void) { return 0; }

// want +1 `malformed directive "//go:init-section:init"`
//go:init-section:init
static int f11(void) { return 0; }

// want +1 `malformed directive "//go:init_section"`
//go:init_section
static int f12(void) { return 0; }

// Spaced line comments: errors when a kind and options follow.
// want +1 `malformed directive "/// go:init-section initconst"`
/// go:init-section initconst
static const int d13 = 1;

// want +1 `malformed directive "//go: init-section init"`
//go: init-section init
static int f14(void) { return 0; }

// want +1 `malformed directive "//\\tgo:init-section initdata blob=`
//	go:init-section initdata blob="x"
static int d15;

static int f16(void)
{
	// In a body, too.
	// want +1 `malformed directive "// go:init-section init"`
	// go:init-section init
	return 0;
}

// Ordinary comments that mention the directive are not near-misses.
// go:init-section directives place symbols in init sections.
// See the //go:init-section directive in README.md.
/* go:init-section places this in .init.text */
/*
 * go:init-section
 * go:init-section initcall=device (the kind comes first)
 * hello.c:17: //go:init-section init
 */
/* hello.c:17: //go:init-section init */
// go:init_section is not how it is spelt.
// go:init-section bogus
static int g;
