// Package scaffold writes new kernel-module repositories that use initsec
// from templates embedded in the binary: the C source with its
// //go:init-section annotations and trailer include, Kbuild, a Makefile for
// plain make, magefiles/magefile.go importing the initsec targets, go.mod
// (unless the directory is inside an existing Go module), dkms.conf,
// .gitignore and a README; then it runs gen.Generate, so the new directory
// builds and verifies with `mage initsec:build` straight away.
//
// Templates: misc (a misc character device), platform (a platform driver
// whose probe is init-only because it is registered with
// platform_driver_probe), pci (a PCI driver whose probe, remove and ID table
// stay resident for hot-plug) and minimal. None uses an __init-family macro:
// placement comes from the annotations only.
//
// New never writes into a non-empty directory and never overwrites a file.
// It writes into a temporary directory beside the target and renames it into
// place last, so an error at any step leaves nothing behind.
//
// # go.mod and the initsec version
//
// When the target directory is inside an existing Go module (a go.mod at or
// above it, read with golang.org/x/mod/modfile) no go.mod is written: the
// generated Go package joins that module. Otherwise a go.mod is written with
// the module path Options.ModulePath (checked with module.CheckPath;
// default example.com/NAME) and
//
//	require github.com/initsec/initsec VERSION
//
// where VERSION is Options.InitsecVersion, else the version this program was
// built from (go install ...@vX.Y.Z, or the version a magefile's module
// requires). A development build has no usable version: the require is then
// left out and `go mod tidy` adds the latest release. Options.InitsecReplace
// adds a replace to a local checkout (require v0.0.0 when no version is
// known); the tests use it to build scaffolds against this checkout.
package scaffold
