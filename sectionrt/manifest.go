package sectionrt

import (
	"encoding/json"
	"fmt"
	"io"
)

// Expectation is one manifest entry: a symbol and the section it must be in.
type Expectation struct {
	Symbol  string `json:"symbol"`
	Kind    string `json:"kind"`    // annotation kind, e.g. "init", "initconst"
	Section string `json:"section"` // expected ELF section, e.g. ".init.text"
	// Role is "module_init" or "module_exit" when the annotation registers the
	// symbol as the module's entry point (init_module/cleanup_module alias it).
	Role string `json:"role,omitempty"`
	// Size is the expected st_size in bytes, 0 when not known.
	Size uint64 `json:"size,omitempty"`
	File string `json:"file"` // annotation position, module-relative
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// Position returns "file:line:col" of the annotation.
func (e Expectation) Position() string { return fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Col) }

// Manifest lists what a module's annotations expect of its built object.
type Manifest struct {
	Module  string        `json:"module"` // module name, e.g. "hello"
	Entries []Expectation `json:"entries"`
}

// ReadManifest decodes a JSON manifest.
func ReadManifest(r io.Reader) (Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("decode manifest: %w", err)
	}
	for i, e := range m.Entries {
		if e.Symbol == "" || e.Section == "" {
			return Manifest{}, fmt.Errorf("manifest entry %d: symbol and section are required", i)
		}
	}
	return m, nil
}
