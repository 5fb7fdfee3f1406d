package pipeline

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/initsec/initsec/internal/findings"
)

// DefaultMatrixSARIF is where Mage's matrix target writes the SARIF log.
const DefaultMatrixSARIF = "initsec-matrix.sarif"

// MergeCells assembles a matrix from its cells, gathered from anywhere:
// one local run (RunMatrix), or per-cell JSON results from many machines
// (initsec plan merge). It is the one merge both use, so a table printed
// from either is the same for the same cells. Rows are sorted by module,
// then target name; Modules and Targets are those the cells name, sorted;
// Seconds is the sum of the cells' times (machines running apart have no
// common wall clock). Two cells of the same module and target are an
// error.
func MergeCells(cells []Cell) (*Matrix, error) {
	m := &Matrix{Cells: slices.Clone(cells)}
	slices.SortStableFunc(m.Cells, func(a, b Cell) int {
		return cmp.Or(cmp.Compare(a.Module, b.Module), cmp.Compare(a.Target, b.Target))
	})
	for i, c := range m.Cells {
		if i > 0 && m.Cells[i-1].Module == c.Module && m.Cells[i-1].Target == c.Target {
			return nil, fmt.Errorf("two results for %s on %s", c.Module, c.Target)
		}
		if !slices.Contains(m.Modules, c.Module) {
			m.Modules = append(m.Modules, c.Module)
		}
		if !slices.Contains(m.Targets, c.Target) {
			m.Targets = append(m.Targets, c.Target)
		}
		m.Seconds += c.Seconds
	}
	slices.Sort(m.Targets)
	return m, nil
}

// WriteSARIF writes the matrix's findings as one SARIF 2.1.0 log (the
// format of initsec verify -format sarif): one result set per cell, with a
// cell that did not build as an invocation notification.
func (m *Matrix) WriteSARIF(w io.Writer) error {
	rs := make([]findings.Result, 0, len(m.Cells))
	for _, c := range m.Cells {
		r := findings.Result{Object: c.Module, Findings: c.FindingList}
		if c.Error != "" {
			r.Err = fmt.Errorf("%s [%s]: %s", c.Module, c.Target, c.Error)
		}
		rs = append(rs, r)
	}
	return findings.SARIF(w, rs, findings.SARIFOptions{Root: "."})
}

// PrintMerged merges cells (MergeCells), prints the table on w and, when
// sarifPath is not empty, writes the SARIF log there.
func PrintMerged(w io.Writer, cells []Cell, sarifPath string) (*Matrix, error) {
	m, err := MergeCells(cells)
	if err != nil {
		return nil, err
	}
	m.WriteTable(w)
	if sarifPath == "" {
		return m, nil
	}
	f, err := os.Create(sarifPath)
	if err != nil {
		return m, err
	}
	err = m.WriteSARIF(f)
	return m, errors.Join(err, f.Close())
}
