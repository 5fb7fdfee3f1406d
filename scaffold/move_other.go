//go:build !linux

package scaffold

import (
	"errors"
	"io/fs"
	"os"
)

// moveInto renames the finished directory tmp to dir. os.Rename refuses an
// existing directory as the target, so an empty dir is removed first.
func moveInto(tmp, dir string) error {
	if _, err := os.Lstat(dir); err == nil {
		if err := os.Remove(dir); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(tmp, dir)
}
