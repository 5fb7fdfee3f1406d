package findings

import (
	"fmt"
	"io"
)

// Modpost writes section-mismatch findings as modpost of each object's
// rule-set version prints them (modpost.Warning.Format): for 6.1
//
//	WARNING: modpost: dir/mod.o: section mismatch in reference: from (section: s) -> to (section: t)
//
// and for 6.12 and 6.19
//
//	WARNING: modpost: dir/mod: section mismatch in reference: from+0x1c (section: s) -> to (section: t)
//
// with modpost's own symbol names (sectionrt.Finding.FormatModpost). The
// module is named as modpost names it: the file name without directory and
// .ko/.o suffix. Findings modpost has no line for
// (placement) are written in gcc style, which log scrapers skip.
func Modpost(w io.Writer, rs []Result) error {
	for _, r := range rs {
		for _, f := range r.Findings {
			line, err := f.FormatModpost(r.Rules)
			if err != nil {
				return fmt.Errorf("%s: %w", r.Object, err)
			}
			if line == "" {
				line = f.String()
			}
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
	}
	return nil
}
