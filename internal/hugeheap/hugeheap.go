// Package hugeheap has the kernel back the Go heap with transparent huge
// pages (THP) for a command about to allocate tens of megabytes and then
// exit: initsec suggest and report on a kernel's module tree.
//
// Where THP is in "madvise" mode (Debian's default,
// /sys/kernel/mm/transparent_hugepage/enabled), the kernel backs with huge
// pages only memory marked MADV_HUGEPAGE (mm/huge_memory.c), and the Go
// runtime marks none of its heap (runtime/mem_linux.go: sysMapOS maps
// heap memory plain). Each 4 KiB page the heap touches is then a page
// fault of its own, which on a paravirtualized guest costs 14-45 us
// (measured: about 25 us, against 0.3 us per 4 KiB for a huge page the
// host has backed). initsec suggest touched about 9,400 pages of fresh
// heap on Debian 6.1's modules: about half of its CPU time went to those
// faults.
//
// Reserve grows the heap by n bytes with one allocation, which the
// runtime maps fresh from the kernel and does not touch (fresh memory is
// zero), marks the huge-page-aligned part of it MADV_HUGEPAGE, drops it
// and runs a collection, so that its pages are free for the allocations
// that follow. The runtime hands out free heap pages lowest address first
// (runtime/mpagealloc.go: find), so the heap grows into the marked range
// before it maps more.
//
// It only saves time, at a cost in resident memory (a huge page is
// resident whole once touched), and it is never needed for a right answer:
// where THP is "always" or "never", on other systems, or with
// INITSEC_HUGEHEAP=0 in the environment, it marks nothing, and its Result
// says why.
package hugeheap

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Result is what Reserve did: Marked bytes of heap address space marked
// MADV_HUGEPAGE, or, when Marked is 0, Why not.
type Result struct {
	Marked int
	Why    string
}

// EnvVar turns Reserve off when set to 0.
const EnvVar = "INITSEC_HUGEHEAP"

// Reserve marks about n bytes of heap address space, before the heap grows
// into it, for the kernel to back with transparent huge pages (see the
// package doc). It costs one collection, on a heap that is still small.
func Reserve(n int) Result {
	if os.Getenv(EnvVar) == "0" {
		return Result{Why: EnvVar + "=0"}
	}
	mode, size, err := thp()
	if err != nil {
		return Result{Why: err.Error()}
	}
	if mode != "madvise" {
		return Result{Why: fmt.Sprintf("transparent huge pages are %q, not \"madvise\"", mode)}
	}
	if n < 2*size {
		return Result{Why: fmt.Sprintf("%d bytes asked, less than two %d-byte huge pages", n, size)}
	}
	b := make([]byte, n)
	marked, err := mark(b, size)
	runtime.GC() // b is dead: its pages free for what follows, whatever the pacer did
	if err != nil {
		return Result{Why: err.Error()}
	}
	return Result{Marked: marked}
}

// enabledMode returns the mode a THP "enabled" file selects: the word in
// brackets ("always [madvise] never" selects madvise).
func enabledMode(s string) (string, bool) {
	for _, w := range strings.Fields(s) {
		if len(w) > 2 && w[0] == '[' && w[len(w)-1] == ']' {
			return w[1 : len(w)-1], true
		}
	}
	return "", false
}
