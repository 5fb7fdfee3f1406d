// Package kbuild drives the kernel's own build system (kbuild) for
// out-of-tree modules and reads what modpost says about them.
//
// # Kernel build directory
//
// FindKDIR locates a kbuild directory ("KDIR"): $KDIR if set, else
// /lib/modules/$(uname -r)/build, else the newest /usr/src/linux-headers-*
// that is a kbuild directory itself. A kbuild directory has a top Makefile
// and include/generated/utsrelease.h or .config; Debian's
// linux-headers-*-common directories have neither and are only included by
// the per-flavour ones. Release and Version read the kernel release
// (UTS_RELEASE) and the upstream VERSION.PATCHLEVEL.SUBLEVEL of a KDIR.
//
// # Building
//
// Build runs
//
//	make -C KDIR M=DIR [ARCH=..] [CROSS_COMPILE=..] [W=..] [-jN]
//	     CONFIG_SECTION_MISMATCH_WARN_ONLY= [NAME=VALUE...] modules
//
// Passing CONFIG_SECTION_MISMATCH_WARN_ONLY empty on the command line
// overrides the kernel's .config (Debian sets it to y), so
// scripts/Makefile.modpost passes -E to modpost and a section mismatch fails
// the build ("ERROR: modpost: Section mismatches detected.").
//
// # modpost messages
//
// ParseModpostLine recognises the lines modpost writes (scripts/mod/modpost.c)
// and turns them into a Warning. The forms understood are
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
// "modpost: ".
// Any other line that starts with "LEVEL: modpost: " is a Warning of Kind
// "other"; every other line is not a modpost message.
package kbuild
