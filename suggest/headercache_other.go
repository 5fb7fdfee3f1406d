//go:build !linux

package suggest

import "os"

// lstatStamp returns the stamp of the file at p, not following a symbolic
// link, and its kind: kindDir, kindHeader for any regular file, kindNone
// for anything else. Off Linux the stamp is the size and mtime.
func lstatStamp(p string) (stamp, hkind, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return stamp{}, kindNone, err
	}
	kind := kindNone
	switch {
	case fi.IsDir():
		kind = kindDir
	case fi.Mode().IsRegular():
		kind = kindHeader
	}
	return stamp{size: uint64(fi.Size()), mtime: fi.ModTime().UnixNano()}, kind, nil
}

// statEntries stats kids, entries of the directory at dir.
func statEntries(dir string, kids []*hnode) []entryStat {
	out := make([]entryStat, len(kids))
	p := newDirPath(dir)
	for i, k := range kids {
		out[i].stamp, out[i].kind, out[i].err = lstatStamp(p.join(k.name))
	}
	return out
}
