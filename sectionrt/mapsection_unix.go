//go:build unix

package sectionrt

import "golang.org/x/sys/unix"

// mapRegion maps size bytes of file descriptor fd at offset off, from the
// page boundary below it: the region, and off's place in it.
func mapRegion(fd uintptr, off, size uint64) (region []byte, at int, ok bool) {
	page := uint64(unix.Getpagesize())
	lo := off &^ (page - 1)
	n := off + size - lo
	if n > uint64(int(^uint(0)>>1)) || lo > 1<<62 {
		return nil, 0, false
	}
	region, err := unix.Mmap(int(fd), int64(lo), int(n), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, 0, false
	}
	return region, int(off - lo), true
}

func unmapRegion(region []byte) error { return unix.Munmap(region) }
