package hugeheap

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel's THP settings (Documentation/admin-guide/mm/transhuge.rst).
const (
	enabledFile = "/sys/kernel/mm/transparent_hugepage/enabled"
	sizeFile    = "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"
)

// maxHugePage is the largest huge page worth marking for: with 64 KiB
// base pages, arm64's PMD-sized page is 512 MiB, larger than the heap.
const maxHugePage = 32 << 20

// thp returns the THP mode and the huge page size.
func thp() (mode string, size int, err error) {
	b, err := os.ReadFile(enabledFile)
	if err != nil {
		return "", 0, fmt.Errorf("transparent huge pages: %w", err)
	}
	mode, ok := enabledMode(string(b))
	if !ok {
		return "", 0, fmt.Errorf("transparent huge pages: %s: no mode selected in %q", enabledFile, strings.TrimSpace(string(b)))
	}
	if mode != "madvise" {
		return mode, 0, nil
	}
	b, err = os.ReadFile(sizeFile)
	if err != nil {
		return "", 0, fmt.Errorf("transparent huge pages: %w", err)
	}
	size, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || size <= 0 || size&(size-1) != 0 {
		return "", 0, fmt.Errorf("transparent huge pages: %s: %q is not a power of two", sizeFile, strings.TrimSpace(string(b)))
	}
	if size > maxHugePage {
		return "", 0, fmt.Errorf("transparent huge pages: %d-byte pages, larger than the %d this is for", size, maxHugePage)
	}
	return mode, size, nil
}

// mark marks the size-aligned part of b MADV_HUGEPAGE and returns its
// length.
func mark(b []byte, size int) (int, error) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (p + uintptr(size) - 1) &^ uintptr(size-1)
	hi := (p + uintptr(len(b))) &^ uintptr(size-1)
	if hi <= lo {
		return 0, fmt.Errorf("%d bytes hold no aligned %d-byte huge page", len(b), size)
	}
	// The range is inside b: heap memory the runtime mapped for it alone.
	if err := unix.Madvise(b[lo-p:hi-p], unix.MADV_HUGEPAGE); err != nil {
		return 0, fmt.Errorf("madvise(MADV_HUGEPAGE): %w", err)
	}
	return int(hi - lo), nil
}
