// Package module says what a kernel module directory is to initsec, and
// loads one: its sources, their //go:init-section annotations, the blobs
// they embed, its Go tables, and the manifest of what all of them expect
// of the built module.
//
// A module directory holds a Kbuild (or, failing that, a Makefile) with an
// obj-m line naming exactly one module; FindModules finds them below a root
// as kbuild's M= does not: it walks the tree, skipping hidden directories,
// testdata and vendor. Load reads, for the directory dir:
//
//   - every .c and .h file directly in dir (generated *.initsec.h excepted),
//     scanned with annotate.ScanC. An annotated foo.c must end with
//     #include "foo.initsec.h" (Source.Trailer); a file that includes its
//     trailer without any directive left keeps it (an empty one).
//   - the files that blob= annotations name: inside dir after resolving
//     symbolic links, regular, non-empty, at most MaxBlobSize bytes, with a
//     path make can take as a prerequisite, and an __aligned(N) the
//     assembler can use.
//   - the Go package in GoTablesDir, with annotate.ScanGoDir (values
//     evaluated by go/types). Go files with directives directly in dir are
//     an error: the go command refuses a package directory with .c files.
//   - the kbuild file again when gen will link objects into the module (a
//     blob stub or Go tables): the module must be composite and include
//     KbuildFragment after its object list is set.
//
// Load reads and writes nothing else. Every problem in the module's own
// files is collected into one annotate.ErrorList, sorted by position, with
// paths relative to dir; Load returns a Module only when there is none.
// Manifest turns a Module into the sectionrt.Manifest that generated code
// and the checker compare a built object with.
package module
