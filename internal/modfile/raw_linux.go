package modfile

import (
	"io"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
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
		fd, err = open(path, flags|syscall.O_NOATIME)
		if err == syscall.EPERM {
			noatimeRefused.Store(true) // not the owner: most files here will not be ours either
		}
	}
	if err == syscall.EPERM {
		fd, err = open(path, flags)
	}
	if err != nil {
		return nil, 0, false
	}
	var st syscall.Stat_t
	if _, _, e := unix.RawSyscall(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0); e != 0 || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
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
		k, err := cachedPread(int(fd), b[n:], off+int64(n))
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

// Close closes the descriptor outside the scheduler's bookkeeping, as
// cachedPread reads: closing a file opened to read (not written, so
// nothing to flush) does not wait.
func (fd fdReader) Close() error {
	if _, _, e := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0); e != 0 {
		return e
	}
	return nil
}

// Fd returns the file descriptor, for a reader that maps part of the
// file (sectionrt.Object.MapSection); valid until Close.
func (fd fdReader) Fd() uintptr { return uintptr(fd) }

// nowaitRefused: preadv2(2) refused RWF_NOWAIT once (an older kernel, or
// a file system without it); it is not asked again.
var nowaitRefused atomic.Bool

// cachedPread is pread(2), made without the scheduler's bookkeeping for
// a system call that may block when the page cache holds the bytes: a
// preadv2 with RWF_NOWAIT, which returns EAGAIN rather than wait for the
// disk (fs/read_write.c, mm/filemap.c: filemap_read under IOCB_NOWAIT).
// A blocking call hands its P to another thread when it lasts, and the
// runtime's monitor, finding Ps in calls, polls at its fastest
// (runtime/proc.go: sysmon, retake); a read from the page cache takes a
// few microseconds and need not. A read that would wait goes through
// syscall.Pread.
func cachedPread(fd int, b []byte, off int64) (int, error) {
	if len(b) > 0 && !nowaitRefused.Load() {
		iov := unix.Iovec{Base: &b[0]}
		iov.SetLen(len(b))
		k, _, e := unix.RawSyscall6(unix.SYS_PREADV2, uintptr(fd), uintptr(unsafe.Pointer(&iov)), 1,
			uintptr(off), uintptr(uint64(off)>>32), unix.RWF_NOWAIT)
		switch e {
		case 0:
			return int(k), nil
		case unix.EOPNOTSUPP, unix.EINVAL, unix.ENOSYS:
			nowaitRefused.Store(true)
		}
	}
	return syscall.Pread(fd, b, off)
}

// resolveCached is openat2(2)'s RESOLVE_CACHED (include/uapi/linux/openat2.h,
// Linux 5.12): fail with EAGAIN rather than look a path up anywhere but
// the dentry cache.
const resolveCached = 0x20

// cachedRefused: openat2 refused RESOLVE_CACHED once; it is not asked again.
var cachedRefused atomic.Bool

// open is open(2) for OpenRaw, made as cachedPread reads: a lookup the
// dentry cache answers is an openat2 with RESOLVE_CACHED outside the
// scheduler's bookkeeping; one that would wait goes through syscall.Open.
func open(path string, flags int) (int, error) {
	if !cachedRefused.Load() {
		// The path, NUL-terminated, on the stack when it fits: a copy on
		// the heap for each of a tree's thousands of files was a tenth of
		// what verify allocated.
		var buf [512]byte
		var p *byte
		if len(path) < len(buf) && strings.IndexByte(path, 0) < 0 {
			copy(buf[:], path)
			p = &buf[0]
		} else {
			var err error
			if p, err = unix.BytePtrFromString(path); err != nil {
				return -1, err
			}
		}
		how, dir := unix.OpenHow{Flags: uint64(flags), Resolve: resolveCached}, unix.AT_FDCWD
		fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT2, uintptr(dir), uintptr(unsafe.Pointer(p)),
			uintptr(unsafe.Pointer(&how)), unix.SizeofOpenHow, 0, 0)
		switch e {
		case 0:
			return int(fd), nil
		case unix.EAGAIN:
		case unix.ENOSYS, unix.EINVAL, unix.E2BIG:
			cachedRefused.Store(true)
		default:
			return -1, e
		}
	}
	return syscall.Open(path, flags, 0)
}
