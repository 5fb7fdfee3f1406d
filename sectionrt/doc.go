// Package sectionrt is the kernel's section model and the checks built on it.
//
// It opens relocatable ELF objects (.o, .ko) safely: malformed or truncated
// input gives an error naming the file and the problem, never a panic. It
// checks a Manifest against an object: every expected symbol in its expected
// section (clones such as foo.constprop.0 or foo.cold must be there too), a
// symbol that is absent reported as such (inlined or removed by the compiler),
// and the module_init/module_exit aliases init_module/cleanup_module pointing
// at the annotated entry functions.
package sectionrt
