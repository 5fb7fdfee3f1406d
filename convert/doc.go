// Package convert rewrites the kernel's init-section macros in existing
// module sources into //go:init-section directives, and proves the result.
//
// # What it rewrites
//
// In every .c file of a directory (subdirectories included):
//
//   - __init, __exit, __initdata, __initconst and __exitdata in the head of
//     a file-scope definition: the macro is removed (with the blanks after
//     it, or before it at the end of a line) and a directive of the matching
//     kind is inserted on its own line directly above the declaration, with
//     the declaration's indentation and its line's line ending. Comments
//     and all other formatting stay as they were.
//   - module_init(f), LEVEL_initcall(f) and module_exit(f), each alone on
//     its line: the line is removed and the registration becomes the option
//     initcall=device (module_init is device_initcall when built in),
//     initcall=LEVEL or entry on f's directive, when f was converted in the
//     same file with kind init (exit for module_exit).
//   - then, when the file has directives, #include "foo.initsec.h" is
//     appended as its last line (after a blank line), unless it is there.
//
// # What it leaves, and lists
//
// Every macro or registration it does not rewrite is returned as a Skip
// with file:line:col and the reason: a macro in a preprocessor line (a macro
// definition) or inside parentheses (a macro argument) or a function body;
// on a prototype (no body); several init macros in one declaration; a
// declaration inside #if/#ifdef (the trailer's redeclaration would not be
// conditional) or not starting its own line; __exit_p, __ref*, __meminit*,
// __init_or_module (no directive kind); a registration sharing its line,
// inside #if, of a level initcall= lacks (late_initcall_sync), or of a
// function that was not converted; and any declaration whose directive
// annotate.ScanC rejects (initconst on a non-const object, a name hidden in
// a macro, ...), with annotate's message. Headers are not rewritten; their
// macros are listed.
//
// annotate.ScanC is the judge of the output: the rewritten file is scanned,
// each error drops the conversion whose directive it belongs to, and the
// scan repeats until it is clean. So the output always scans, and every
// directive written names the symbol annotate found under it. Converting a
// converted file changes nothing.
//
// # Kbuild
//
// convert does not touch Kbuild or Makefile. The directives it writes need
// only the trailer headers, which the sources include; Kbuild.initsec adds
// objects only for blob= and Go tables, which convert never writes, and
// module.Load names the include line to add once a module needs it.
//
// # Writing
//
// Dir computes everything in memory; Result.Diff prints a unified diff;
// Result.Write writes every changed file through a temporary file and a
// rename, after checking that none changed since it was read, and restores
// the files already renamed if a later rename fails.
//
// # Proof
//
// Prove builds a module directory twice with kbuild, in two copies: as it
// is, and converted, generated (gen) and built again, then compares the
// ELF section of every function and object symbol of every .ko and fails
// when any differs.
package convert
