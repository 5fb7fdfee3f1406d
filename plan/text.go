package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText prints the plan for people: its hash, targets with their lock
// digests, modules with their source digests, then one line per cell.
func (p *Plan) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "plan %s: %d cell(s), %d module(s) x %d target(s) x steps %s\n\n", p.Hash, len(p.Cells), len(p.Modules), len(p.Targets), joinSteps(p.Steps))
	fmt.Fprintln(tw, "TARGET\tLOCK")
	for _, t := range p.Targets {
		fmt.Fprintf(tw, "%s\t%s\n", t.Name, t.Lock)
	}
	fmt.Fprintln(tw, "\nMODULE\tSOURCES")
	for _, m := range p.Modules {
		fmt.Fprintf(tw, "%s\t%s\n", m.Dir, m.Digest)
	}
	fmt.Fprintln(tw, "\nINDEX\tCELL\tKEY")
	for _, c := range p.Cells {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", c.Index, c.ID, c.Key)
	}
	return tw.Flush()
}

// WriteJSON writes the plan as one indented JSON document.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
