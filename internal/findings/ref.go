package findings

import (
	"strconv"

	"github.com/initsec/initsec/sectionrt"
)

// fingerprintParts is what identifies a mismatch finding across runs
// besides its rule and file: both ends of the reference, by symbol (not by
// offset, which moves with every edit).
func fingerprintParts(f sectionrt.Finding) []string {
	r := f.Ref
	if r == nil {
		return nil
	}
	parts := []string{r.FromSec, r.FromSym, r.ToSec, r.ToSym}
	if r.FromSym == "" {
		parts = append(parts, strconv.FormatUint(r.FromOff, 16))
	}
	return parts
}
