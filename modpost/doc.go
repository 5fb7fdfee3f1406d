// Package modpost knows the kernel's modpost tool from the outside: the
// messages it prints, the kernel versions that decide their form, and the
// command line kbuild runs it with. It imports nothing but the standard
// library, so that both the make driver (kbuild) and the section model
// that generated code imports (sectionrt) can use it.
//
// # Messages
//
// ParseLine recognises the lines modpost writes (scripts/mod/modpost.c:
// report_sec_mismatch and report_extable_warnings up to v6.4,
// default_mismatch_handler and check_export_symbol from v6.5 on) and turns
// them into a Warning; Parse does so for a whole build log. The forms
// understood are
//
//	LEVEL: modpost: MOD: section mismatch in reference: FROM (section: FS) -> TO (section: TS)
//	LEVEL: modpost: MOD(FS+0xOFF): Section mismatch in reference from the K1 FROM[()] to the K2 TS:TO[()]
//	LEVEL: modpost: MOD: EXPORT_SYMBOL used for init/exit symbol: SYM (section: SEC)
//	LEVEL: modpost: MOD: SYM: EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL.
//	LEVEL: modpost: MOD: SYM: EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL.
//
// where LEVEL is WARNING, ERROR or FATAL; FROM is SYM (up to v6.4),
// SYM+0xOFF (v6.5 on), or, when modpost found no symbol, "(unknown)" (up to
// v6.4), "(unknown)+0xOFF" or a bare 0xADDR (later kernels); TO is SYM,
// "(unknown)" or 0xADDR; K1 and K2 are "function", "variable" or "(unknown
// reference)". The second form is the verbose one of v5.x and earlier (and
// of the __ex_table check in v6.1); older kernels print it without
// "modpost: ". MOD is the object file ("vmlinux.o", "/abs/dir/mod.o") up to
// v6.4 and the module name without ".o" from v6.5 on.
// Any other line that starts with "LEVEL: modpost: " is a Warning of Kind
// "other"; every other line is not a modpost message. Lines end in "\n" or
// "\r\n"; for Parse, a line longer than 1 MiB is a read error.
//
// Warning.Format prints a Warning as modpost of a given kernel version
// prints it: the v6.1 forms before v6.5, the current ones from v6.5 on.
// Parsing a printed line gives back the same Kind and symbol names.
//
// # Kernel versions
//
// KernelVersion is an upstream VERSION.PATCHLEVEL.SUBLEVEL;
// ParseKernelVersion reads one from the start of a version or release
// string ("6.1", "6.1.0-56-amd64", "6.19-rc3") and is the only version
// parser of initsec. CompareReleases orders whole release strings, as
// versions ("6.1.0-9" before "6.1.0-56" before "6.12.1").
//
// # Command line
//
// Invocation is a run of a kernel build directory's own
// scripts/mod/modpost binary over compiled objects, with the flags
// scripts/Makefile.modpost passes for an external module build (the
// modpost-args of 6.1 and 6.12). Building a command starts nothing;
// running it is the caller's business.
package modpost
