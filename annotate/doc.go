// Package annotate parses //go:init-section directives and the declarations
// they attach to, in C sources and headers (and, later, assembly and Go).
//
// # Grammar
//
// A directive is a line comment that is alone on its line (only white space
// before it) and starts with exactly "//go:init-section", followed by white
// space or the end of the line:
//
//	//go:init-section KIND [OPTION...]
//
// KIND is one of init, exit, initdata, initconst, exitdata, ref, refdata,
// refconst (include/linux/init.h: __init, __exit, __initdata, __initconst,
// __exitdata, __ref, __refdata, __refconst). An OPTION is NAME or NAME=VALUE:
//
//	initcall=LEVEL  on an init function: register it (module_init in a module,
//	                LEVEL_initcall when built in); LEVEL is one of early, pure,
//	                core, postcore, arch, subsys, fs, rootfs, device, late
//	entry           on an exit function: register it with module_exit
//	blob=PATH       on an extern declaration: module-relative file embedded by
//	                a generated assembly stub (PATH may be Go-quoted)
//	reason="..."    required on ref, refdata, refconst; a Go-quoted string
//	c=NAME          in Go files: the C name of the generated definition
//
// The directive annotates the declaration that starts on the next line that
// is not a comment. Comment lines may sit between the two; a blank line or a
// preprocessor line may not.
//
// # What is an error
//
// Unknown kinds, unknown or duplicated options, options that do not fit the
// kind (initcall= on anything but init, entry on anything but exit), a kind
// that does not fit its declaration (initconst on a non-const object, init on
// an object, initdata on a const object, extern without blob=), a missing
// reason= on ref kinds, a directive that is not alone on its line, and a
// directive with no declaration under it. Every error is an *Error carrying
// file:line:col (1-based; col counts bytes) and a hint.
//
// Module-level rules (at most one initcall= and one entry per module) are
// checked by CheckModule.
package annotate
