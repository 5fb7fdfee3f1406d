// Package kbuild drives the kernel's own build system (kbuild) for
// out-of-tree modules.
//
// # Kernel build directory
//
// FindKDIR locates a kbuild directory ("KDIR"): $KDIR if set, else
// /lib/modules/$(uname -r)/build, else the newest /usr/src/linux-headers-*
// that is a kbuild directory itself. A kbuild directory has a top Makefile
// and include/generated/utsrelease.h or .config; Debian's
// linux-headers-*-common directories have neither and are only included by
// the per-flavour ones. Release and Version read the kernel release
// (UTS_RELEASE) and the upstream VERSION.PATCHLEVEL.SUBLEVEL of a KDIR
// (a modpost.KernelVersion).
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
// The modpost messages in make's output are parsed by package modpost
// (Result.Warnings, BuildError.Warnings).
package kbuild
