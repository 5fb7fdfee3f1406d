package modfile

import (
	"io"
	"sync/atomic"
	"syscall"
)

// OpenRaw opens a regular file with open(2), to be read with pread(2) —
// for readers of many small modules, such as sectionrt.Screen: an *os.File
// registers each file with the runtime's poller (fcntl, epoll_ctl), which
// costs more than screening a small module. ok is false for anything but
// a regular file that opens; the caller then takes its usual path, which
// reports the error. O_NONBLOCK keeps a FIFO from blocking here (regular files
// ignore it); O_NOATIME spares each read the access-time check, a tenth
// of the screen's CPU time, where the kernel allows it (the file's owner,
// or CAP_FOWNER).
func OpenRaw(path string) (f RawFile, size int64, ok bool) {
	flags := syscall.O_RDONLY | syscall.O_CLOEXEC | syscall.O_NONBLOCK
	fd, err := -1, error(syscall.EPERM)
	if !noatimeRefused.Load() {
		fd, err = syscall.Open(path, flags|syscall.O_NOATIME, 0)
		if err == syscall.EPERM {
			noatimeRefused.Store(true) // not the owner: most files here will not be ours either
		}
	}
	if err == syscall.EPERM {
		fd, err = syscall.Open(path, flags, 0)
	}
	if err != nil {
		return nil, 0, false
	}
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return nil, 0, false
	}
	return fdReader(fd), st.Size, true
}

// noatimeRefused: open(2) refused O_NOATIME once; it is not asked again.
var noatimeRefused atomic.Bool

// RawFile is a file opened by OpenRaw.
type RawFile interface {
	io.ReaderAt
	io.Closer
}

// fdReader reads a file descriptor with pread(2).
type fdReader int

func (fd fdReader) ReadAt(b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		k, err := syscall.Pread(int(fd), b[n:], off+int64(n))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if k == 0 {
			return n, io.EOF
		}
		n += k
	}
	return n, nil
}

func (fd fdReader) Close() error { return syscall.Close(int(fd)) }

// Fd returns the file descriptor, for a reader that maps part of the
// file (sectionrt.Object.MapSection); valid until Close.
func (fd fdReader) Fd() uintptr { return uintptr(fd) }
