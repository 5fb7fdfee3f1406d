//go:build !unix

package sectionrt

// mapRegion maps nothing here: MapSection's callers read the section.
func mapRegion(fd uintptr, off, size uint64) (region []byte, at int, ok bool) { return nil, 0, false }

func unmapRegion(region []byte) error { return nil }
