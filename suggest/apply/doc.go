// Package apply writes what suggest finds into a module's sources: the
// kernel's init macros in the kernel's style, or //go:init-section
// directives in a file that already uses them, iterated to a fixed point,
// and proves the result by building and booting it.
//
// # Plan
//
// Plan copies the module directory into a work directory and repeats,
// up to Options.MaxRounds times: generate (gen, when a source has
// directives), build (kbuild, section mismatches fatal), suggest.Find on
// every built module, and edit the copy for each suggestion not handled
// yet. It stops when a round finds nothing new: a function that only
// functions made init in this round call is found in the next one. The
// directory itself is never written by Plan.
//
// Each suggestion is mapped to its definition in the module's own C files:
// the translation unit the object names (the STT_FILE symbol, "foo.c"),
// lexed for a file-scope definition of that name (internal/clex). A global
// (suggested only in a linked .ko) has no STT_FILE: its definition is the
// one non-static definition of that name in the C files of the module's
// objects, as kbuild lists them in MOD.mod; none or several is a Skip,
// never a guess, and a declaration in a header is left as it is. What no
// C file of the module defines is a Skip: a header inline (found in the
// module's headers or the kernel's include trees, with its header:line),
// or a symbol a macro makes. Each edit is checked by annotate.ScanC, which
// must find the definition of that name under a directive of that kind:
// so a declaration that already has a section (__read_mostly, __section),
// an initconst on an object that is not const, a declaration hidden in a
// macro, are Skips with annotate's message.
//
// # The edits
//
// In a file without directives (the kernel's macros), in the style
// checkpatch checks (MISPLACED_INIT, INIT_ATTRIBUTE):
//
//	static int __init foo(void)          __init/__exit before the name
//	static const int tbl[4] __initconst = { ... };   after the declarator
//	static int cnt __initdata = 3;
//
// __initconst for a const object, __initdata for a writable one (whatever
// section the compiler chose: a const table with pointers sits in
// .data.rel.ro), __exitdata for writable data only exit code uses.
// In a file with directives, a "//go:init-section KIND" line above the
// declaration, with its indentation and line ending, and gen regenerates
// the trailer. Nothing else in the file changes.
//
// # Writing
//
// Result.Diff prints a unified diff (paths a/ and b/ relative to the
// directory, for git apply or patch -p1); Result.Write writes every
// changed file all or nothing: each new content goes to a temporary file
// beside its target, every target is checked unchanged since Plan read it,
// then each is renamed over its target, and a failed rename puts the files
// already renamed back.
//
// # Proof
//
// Prove builds the directory as it is and as planned, in copies, for each
// target (W=1), requires no warning or section-mismatch finding the
// original build did not have, boots both builds of every module in one
// QEMU boot (boottest) and requires each to do what the directory's
// initsec-boot.json expects, as initsec boot does (without one: load,
// reach live, free its init (initsize 0) and unload; with
// {"init_errno":"ENODEV"}, a driver with no device under QEMU, fail init
// with exactly ENODEV, before and after); it reports per module the bytes moved and
// the predicted (sectionrt.PredictMemory) and booted sizes before and
// after. A proof that fails names the step; the directory is untouched.
package apply
