package suggest

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// lstatStamp returns the stamp of the file at p, not following a symbolic
// link, and its kind: kindDir, kindHeader for any regular file, kindNone
// for anything else. It calls lstat(2) itself: os.Lstat would make a
// FileInfo of each of a tree's thousands of headers.
func lstatStamp(p string) (stamp, hkind, error) {
	var st unix.Stat_t
	err := error(unix.EINTR)
	for err == unix.EINTR {
		err = unix.Lstat(p, &st)
	}
	if err != nil {
		return stamp{}, kindNone, &fs.PathError{Op: "lstat", Path: p, Err: err}
	}
	s, kind := stampOf(&st)
	return s, kind, nil
}

// statEntries stats kids, entries of the directory at dir, with
// fstatat(2) from the directory (a lookup of one name each, not of the
// whole path), or lstat(2) if it does not open.
func statEntries(dir string, kids []*hnode) []entryStat {
	out := make([]entryStat, len(kids))
	p := newDirPath(dir)
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		for i, k := range kids {
			out[i].stamp, out[i].kind, out[i].err = lstatStamp(p.join(k.name))
		}
		return out
	}
	defer unix.Close(fd)
	for i, k := range kids {
		var st unix.Stat_t
		err := error(unix.EINTR)
		for err == unix.EINTR {
			err = unix.Fstatat(fd, k.name, &st, unix.AT_SYMLINK_NOFOLLOW)
		}
		if err != nil {
			out[i].err = &fs.PathError{Op: "lstat", Path: p.join(k.name), Err: err}
			continue
		}
		out[i].stamp, out[i].kind = stampOf(&st)
	}
	return out
}

func stampOf(st *unix.Stat_t) (stamp, hkind) {
	kind := kindNone
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		kind = kindDir
	case unix.S_IFREG:
		kind = kindHeader
	}
	return stamp{
		dev: st.Dev, ino: st.Ino, size: uint64(st.Size),
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(),
	}, kind
}
