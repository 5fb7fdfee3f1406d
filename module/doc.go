// Package module says what a kernel module directory is to initsec, and
// loads one: its sources, their //go:init-section annotations, the blobs
// they embed, its Go tables, and the manifest of what all of them expect
// of the built module.
//
// A kbuild directory holds a Kbuild (or, failing that, a Makefile) whose
// obj-m names one or more modules. Scan finds them as kbuild does: make
// evaluates the file (the embedded probe.mk) with src and obj set, the
// kernel tree's include/config/auto.conf read and KERNELRELEASE set, so
// variables, patsubst, ifeq, obj-$(CONFIG_X), NAME-y/NAME-objs lists with
// paths in subdirectories and obj-m += sub/ (Dir.Subdirs) come out as
// kbuild sees them. The tree is $KDIR or kbuild.FindKDIR. Only when there is
// no tree or no make are obj-m and NAME-y lines read as text
// (Dir.Discovery says which was used; a word with $( is then an error).
// FindModules walks a tree below a root, skipping hidden directories,
// testdata and vendor. LoadDir reads, for the directory dir:
//
//   - for each module, the sources kbuild links into it: foo.o in NAME-y
//     is foo.c (also src/foo.c; foo.S is assembly and is skipped; objects
//     outside dir are not read); a source linked into two modules belongs
//     to both. Also every .c and .h file directly in dir: with one module
//     they belong to it; with several, directives in a header or in a file
//     no module links are errors. Generated *.initsec.h are skipped. An
//     annotated foo.c must end with #include "foo.initsec.h"
//     (Source.Trailer); a file that includes its trailer without any
//     directive left keeps it (an empty one).
//   - the files that blob= annotations name: inside dir after resolving
//     symbolic links, regular, non-empty, at most MaxBlobSize bytes, with a
//     path make can take as a prerequisite, and an __aligned(N) the
//     assembler can use.
//   - the Go package in GoTablesDir, with annotate.ScanGoDir (values
//     evaluated by go/types); only in a directory with one module. Go files with directives directly in dir are
//     an error: the go command refuses a package directory with .c files.
//   - the kbuild file again when gen will link objects into the module (a
//     blob stub or Go tables): the module must be composite and include
//     its Module.Fragment (Kbuild.initsec, or NAME.Kbuild.initsec in a
//     directory with several modules) after its object list is set.
//
// LoadDir reads and writes nothing else. Every problem in the directory's
// files is collected into one annotate.ErrorList, sorted by position, with
// paths relative to dir; LoadDir returns a Dir only when there is none.
// Load is LoadDir for a directory that builds exactly one module.
// Manifest turns a Module into the sectionrt.Manifest that generated code
// and the checker compare a built object with.
package module
