package buildroot

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// inNamespace runs fn on an OS thread of its own that has left this
// process's mount namespace for a new, private one (unshare(CLONE_NEWNS),
// then / made rprivate, so nothing mounted there propagates back). Commands
// fn starts from that goroutine inherit the namespace. The thread is never
// unlocked, so the Go runtime terminates it when fn returns instead of
// reusing it; the namespace, and every mount in it, disappears with its
// last process, whatever happened to fn or its commands.
func inNamespace(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: see above.
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			errc <- fmt.Errorf("unshare the mount namespace: %w", err)
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			errc <- fmt.Errorf("make the private mount namespace's / rprivate: %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// mounts records what a build mounted, to unmount it in reverse order.
type mounts struct{ targets []string }

func (m *mounts) mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		what := fstype
		if flags&unix.MS_BIND != 0 {
			what = "bind " + source
		}
		return fmt.Errorf("mount %s on %s: %w", what, target, err)
	}
	m.targets = append(m.targets, target)
	return nil
}

// unmountAll detaches every mount, last first, and reports the ones that
// failed.
func (m *mounts) unmountAll() error {
	var errs []error
	for i := len(m.targets) - 1; i >= 0; i-- {
		if err := unix.Unmount(m.targets[i], unix.MNT_DETACH); err != nil {
			errs = append(errs, fmt.Errorf("unmount %s: %w", m.targets[i], err))
		}
	}
	m.targets = nil
	return errors.Join(errs...)
}

// mountsUnder lists the mount points at or below dir in the mount namespace
// that mountinfo describes (/proc/self/mountinfo: this process's).
func mountsUnder(mountinfo, dir string) ([]string, error) {
	f, err := os.Open(mountinfo)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir = filepath.Clean(dir)
	var found []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... (proc(5))
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			found = append(found, mp)
		}
	}
	return found, sc.Err()
}

// unescapeMountinfo undoes mountinfo's octal escapes (\040 for a space).
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
