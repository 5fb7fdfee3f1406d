package verify

import (
	"io"
	"strings"
	"syscall"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// screen clears, without opening an Object, an uncompressed object whose
// mismatch check would find nothing (sectionrt.Screen), returning the rule
// set it was judged by; nil sends it to the full check, which then reports
// whatever the screen could not clear (an open error included), exactly
// as before.
//
// The file is opened with open(2) and read with pread(2) directly: an
// *os.File registers each file with the runtime's poller (fcntl,
// epoll_ctl) and costs more than the screen's reads of a small module.
// O_NONBLOCK keeps a FIFO from blocking here; regular files ignore it.
func (v *verifier) screen(s *sectionrt.Screen, path string) *sectionrt.RuleSet {
	if strings.HasSuffix(path, ".xz") || strings.HasSuffix(path, ".zst") || strings.HasSuffix(path, ".gz") {
		return nil // compressed by name: modfile decides
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size > modfile.MaxSize {
		return nil
	}
	return s.Clean(fdReader(fd), st.Size, v.screenRules)
}

// screenRules is rulesFor for the screen: the fixed set, else the one the
// object's release names; nil where rulesFor would look further or fail.
func (v *verifier) screenRules(release string) *sectionrt.RuleSet {
	if v.fixedRules != nil {
		return v.fixedRules
	}
	if release == "" {
		return nil
	}
	rs, err := v.rulesForRelease(release)
	if err != nil {
		return nil
	}
	return rs
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
