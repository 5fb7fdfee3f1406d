// Kinds and options that do not fit the declaration.

// function kind on an object
//go:init-section init
static int x; // want "x is an object, but init annotates function definitions"

// exit on an object
//go:init-section exit
static int x; // want "x is an object, but exit annotates function definitions"

// function kind on an extern
//go:init-section init
extern const u8 tbl[]; // want "tbl is an object, but init annotates function definitions"

// data kind on a function
//go:init-section initdata
static int f(void) { return 0; } // want "f is a function, but initdata annotates objects"

// exitdata on a function
//go:init-section exitdata
static void f(void) { } // want "f is a function, but exitdata annotates objects"

// initconst on a non-const object
//go:init-section initconst
static int x = 1; // want "initconst needs a const object, but x is not const"

// initconst on an array of pointers to const
//go:init-section initconst
static const char *names[] = { "a" }; // want "initconst needs a const object, but names is not const"

// refconst on a non-const object
//go:init-section refconst reason="x"
static int x = 1; // want "refconst needs a const object, but x is not const"

// initdata on a const object
//go:init-section initdata
static const int x = 1; // want "initdata places x in a writable section, but x is const"

// refdata on a const object
//go:init-section refdata reason="x"
static const int x = 1; // want "refdata places x in a writable section, but x is const"

// exitdata on a const object
//go:init-section exitdata
static const int x = 1; // want "exitdata places x in a writable section, but x is const"

// extern without blob
//go:init-section initconst
extern const u8 tbl[]; // want "tbl is an extern declaration without blob="

// blob on an object definition
// want +1 "blob= needs an extern declaration"
//go:init-section initconst blob=t.bin
static const u8 tbl[] = { 1 };

// blob on a function
// want +1 "blob= on a function definition"
//go:init-section init blob=t.bin
static int f(void) { return 0; }

// blob on exitdata
// want +1 "blob= on kind exitdata"
//go:init-section exitdata blob=t.bin
extern u8 tbl[];

// c= in C
// want +1 "c= applies to Go declarations only"
//go:init-section initdata c=foo
static int x;
