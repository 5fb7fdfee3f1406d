package scaffold

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// moveInto renames the finished directory tmp to dir in one step. dir is
// either absent (renameat2 with RENAME_NOREPLACE, so a file or directory
// that appeared meanwhile is never replaced) or an empty directory
// (rename(2) replaces an empty directory and fails with ENOTEMPTY if
// something was written into it meanwhile). os.Rename cannot do the
// latter: it refuses any existing directory as the target.
func moveInto(tmp, dir string) error {
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dir, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		fi, serr := os.Lstat(dir)
		if serr != nil || !fi.IsDir() {
			return fmt.Errorf("%s appeared while writing the new module; nothing written", dir)
		}
		err = unix.Rename(tmp, dir)
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		// The file system does not support RENAME_NOREPLACE.
		if _, serr := os.Lstat(dir); serr == nil {
			err = unix.Rename(tmp, dir)
		} else {
			err = os.Rename(tmp, dir)
		}
	}
	if errors.Is(err, unix.ENOTEMPTY) || errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("%s is no longer empty; nothing written", dir)
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: dir, Err: err}
	}
	return nil
}
