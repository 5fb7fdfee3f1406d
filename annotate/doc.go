// Package annotate parses //go:init-section directives and the declarations
// they attach to, in C sources and headers (ScanC, ScanFile) and in Go
// packages (ScanGo, ScanGoDir). Assembly files are not scanned.
//
// # Grammar
//
// A directive is a line comment that is alone on its line (only white space
// before it) and starts with exactly "//go:init-section", followed by white
// space or the end of the line (IsDirective):
//
//	//go:init-section KIND [OPTION...]
//
// KIND is one of init, exit, initdata, initconst, exitdata, ref, refdata,
// refconst (include/linux/init.h: __init, __exit, __initdata, __initconst,
// __exitdata, __ref, __refdata, __refconst) and comes first. An OPTION is
// NAME or NAME=VALUE, separated by white space; a VALUE is bare (up to the
// next white space) or a Go-quoted string ("..." or `...`):
//
//	initcall=LEVEL  on an init function: register it (module_init in a module,
//	                LEVEL_initcall when built in); LEVEL is one of early, pure,
//	                core, postcore, arch, subsys, fs, rootfs, device, late
//	entry           on an exit function: register it with module_exit
//	blob=PATH       on an extern declaration with kind initconst or initdata:
//	                module-relative file embedded by a generated assembly stub;
//	                not absolute, not leaving the module directory, without
//	                quotes, backslashes or control characters
//	reason="..."    required on ref, refdata, refconst, and only there; a
//	                non-empty Go-quoted string without control characters
//	c=NAME          in Go files: the C name of the generated definition (an
//	                error in C files)
//
// The directive annotates the declaration that starts on the next line that
// is not a comment. Comment lines may sit between the two; a blank line, a
// preprocessor line or another directive may not. ParseDirective parses one
// directive line; ScanC and ScanFile scan a whole C file.
//
// # What the C scanner reads
//
// The scanner lexes C without preprocessing: line and block comments, string
// and character literals with escapes, backslash-newline splices (a line
// comment ending in a backslash goes on to the next line, as in C), LF and
// CRLF line ends, and preprocessor lines (with their continuations) as
// single tokens. So a "{", ";" or "//go:init-section" inside a comment,
// literal or macro counts for nothing. Conditionals are not evaluated: code
// under #if 0 is scanned like any other; braces opened in both branches of
// an #if/#else count once.
//
// Only file-scope declarations can be annotated, because the generated
// trailer header must redeclare them. An annotated declaration is one of:
//
//   - a function definition (declarator with a parameter list, then a body);
//   - an object definition, with or without an initialiser (scalars, arrays,
//     arrays of structs, pointers, function pointers);
//   - an extern object declaration (with blob=).
//
// Its head (specifiers, attributes, one declarator) may span lines and carry
// attributes such as __attribute__((...)), __maybe_unused, __printf(1, 2) or
// __aligned(8); preprocessor lines may appear inside a body or an
// initialiser, not in the head. Macros are not expanded, so the declared
// name is found by shape: one type (keywords, a struct/union/enum tag, or
// one typedef name), then the name; the kernel's attribute macros are known
// by name, and an unknown "__name" before the type counts as an attribute
// when another name follows. A declaration made by a macro
// (DEFINE_MUTEX(lock)) cannot be annotated.
//
// Decl.Const is true when the object itself is const: "static const char
// *names[]" is not, "static const char * const names[]" is. A const hidden
// in a typedef is not seen. Decl.Text is the head with comments dropped and
// white space collapsed, so that Text + " __initconst;" redeclares it.
//
// # What is an error
//
// Every error is an *Error carrying file:line:col (1-based; col counts bytes)
// and a hint; ScanC returns all of a file's errors as an ErrorList sorted by
// position (Pos.Compare: file, line, column), and no annotations. Errors
// in C files are:
//
//   - in the directive: unknown kinds, unknown, duplicated or malformed
//     options, options that do not fit the kind (initcall= on anything but
//     init, entry on anything but exit, reason= on non-ref kinds), a missing
//     reason= on ref kinds;
//   - in its placement: a directive that is not alone on its line, that is
//     inside a block or inside another annotated declaration, that ends in a
//     backslash, or that has no declaration under it;
//   - near-misses, wherever they are: a comment meant as a directive that is
//     not one, such as "//go:init_section init", "// go:init-section init"
//     or "/* go:init-section init */" (the rules are in nearmiss.go; prose
//     that merely names the directive is not one). The hint spells the
//     directive out;
//   - in the declaration: a kind that does not fit it (init, exit, ref on an
//     object; data kinds on a function; initconst or refconst on a non-const
//     object; initdata, exitdata or refdata on a const object), an extern
//     declaration without blob=, blob= on anything else, a function
//     declaration without a body, several declarators ("int a, b;"), a
//     typedef, a struct/union/enum definition, a macro or attribute that
//     already places the symbol in a section (__init, __initdata,
//     __initconst, __exit, __exitdata, __ref, __refdata, __refconst,
//     __section(...), __attribute__((section(...))), __read_mostly,
//     __ro_after_init, ...), brackets that do not match or nest more than
//     64 deep in the head, a declaration not ended before the end of the file;
//   - in the file: an unterminated block comment.
//
// Files larger than MaxFileSize are refused with a wrapped ErrTooLarge.
//
// # What the Go scanner reads
//
// ScanGo and ScanGoDir read a Go package whose package-level vars carry
// directives (kinds initconst and initdata, option c=NAME): the directive
// must be in the var's doc comment, and the var must declare one name. The
// package is type-checked with go/types (standard-library imports only) and
// each value evaluated: a constant expression for a scalar of a sized
// integer type, bool or string, or a composite literal of constants for an
// array or slice of sized integers or bool. The result, a GoVar, carries the
// C name, element type and values. As with ScanC, every error is returned,
// positioned, in one sorted ErrorList: syntax and type errors, non-constant
// values or elements, unsupported types, misplaced directives, near-misses
// (as in C), C names that clash or are C keywords. See goscan.go for the exact rules.
//
// Module-level rules (at most one initcall= and one entry per module, no
// symbol annotated twice) are checked by CheckModule. HasTrailer tells
// whether a C file ends with the #include of its generated trailer header.
package annotate
