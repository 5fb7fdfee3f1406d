// Declarations that cannot be annotated.

// several declarators
//go:init-section initdata
static int a, b; // want "annotated declaration declares more than one name"

// several declarators with initialisers
//go:init-section initdata
static int a = 1, /* c */ b = 2; // want "annotated declaration declares more than one name"

// __init already there
//go:init-section init
static int __init f(void) { return 0; } // want "declaration already carries __init"

// __initdata already there
//go:init-section initdata
static int x __initdata = 1; // want "declaration already carries __initdata"

// __section already there
//go:init-section initdata
static int x __section(".foo"); // want "declaration already carries __section"

// section attribute already there
//go:init-section initdata
static int x __attribute__((used, section(".foo"))); // want `declaration already carries __attribute__\(\(section\)\)`

// __read_mostly already there
//go:init-section initdata
static int x __read_mostly; // want "declaration already carries __read_mostly"

// function declaration
//go:init-section init
static int f(void); // want "f is declared here, not defined"

// extern function declaration
//go:init-section init
extern int f(void); // want "f is declared here, not defined"

// struct type definition
//go:init-section initdata
static struct foo { int a; } x; // want "annotated declaration defines a struct, union or enum type"

// typedef
//go:init-section initdata
typedef int myint; // want "typedef declares a type, not an object"

// macro definition
//go:init-section initdata
static DEFINE_MUTEX(lock); // want "cannot tell which name this declaration declares"

// statement
//go:init-section init
return 0; // want `expected a declaration, found "return"`

// closing brace
//go:init-section init
} // want `expected a declaration, found "\}"`

// preprocessor line in the head
//go:init-section init
static int
// want +1 "preprocessor line inside the annotated declaration"
#ifdef X
f(void)
#endif
{ return 0; }

// mismatched bracket
//go:init-section initdata
static int x[4) = 1; // want `unexpected "\)" in declaration`

// kind and macro errors together
//go:init-section initconst
static int x __initdata; // want "initconst needs a const object, but x is not const" "declaration already carries __initdata"
