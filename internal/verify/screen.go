package verify

import (
	"strings"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// screening is whether check screens objects; a variable for the test
// that compares its results with the full check's.
var screening = true

// screen clears, without opening an Object, an uncompressed object whose
// mismatch check would find nothing (sectionrt.Screen), returning the rule
// set it was judged by; nil sends it to the full check, which then reports
// whatever the screen could not clear (an open error included), exactly
// as before.
func (v *verifier) screen(s *sectionrt.Screen, path string) *sectionrt.RuleSet {
	if strings.HasSuffix(path, ".xz") || strings.HasSuffix(path, ".zst") || strings.HasSuffix(path, ".gz") {
		return nil // compressed by name: modfile decides
	}
	f, size, ok := modfile.OpenRaw(path)
	if !ok {
		return nil
	}
	defer f.Close()
	if size > modfile.MaxSize {
		return nil
	}
	return s.Clean(f, size, v.screenRules)
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
