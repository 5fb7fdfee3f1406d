package targets

import (
	"fmt"
	"path/filepath"

	"github.com/initsec/initsec/scaffold"
)

// New scaffolds a new kernel-module directory NAME from a template (misc,
// platform, pci, minimal) and generates its files; it then builds with
// `mage initsec:build` there. Flags: -template=T (default misc),
// -dir=D (default ./NAME), -modulepath=P (module path of the new go.mod,
// default example.com/NAME; no go.mod is written inside an existing Go
// module), -initsecreplace=PATH (replace github.com/initsec/initsec with a
// local checkout in the new go.mod), -initsecversion=V. It never writes into
// a non-empty directory and leaves nothing behind on error.
func New(name string, template, dir, modulePath, initsecReplace, initsecVersion *string) error {
	res, err := scaffold.New(scaffold.Options{
		Name:           name,
		Template:       deref(template),
		Dir:            deref(dir),
		ModulePath:     deref(modulePath),
		InitsecReplace: deref(initsecReplace),
		InitsecVersion: deref(initsecVersion),
	})
	if err != nil {
		return fmt.Errorf("initsec:new: %w", err)
	}
	for _, f := range res.Files {
		fmt.Printf("initsec: create %s\n", filepath.Join(res.Dir, filepath.FromSlash(f)))
	}
	for _, n := range res.Notes {
		fmt.Printf("initsec: note: %s\n", n)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
