package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/initsec/initsec/sectionrt"
)

// The SARIF 2.1.0 subset initsec writes, as plain structs: a tool with its
// rules, results with one physical location each, and a notification per
// object that could not be checked. github.com/owenrumney/go-sarif (v3) was
// considered and refused: it would bring github.com/xeipuuv/gojsonschema
// (unmaintained) and github.com/google/uuid into the binary for a document
// of a dozen fixed fields; the output is validated against the SARIF 2.1.0
// schema in the tests instead.

const (
	sarifVersion = "2.1.0"
	// srcRoot is the uriBaseId of every relative location: GitHub code
	// scanning resolves it to the checkout.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names initsec's partial fingerprint; the /v1 changes
	// when what it hashes changes.
	fingerprintKey = "initsecFinding/v1"
)

// schemaURI is the $schema of the document: the OASIS location of the
// 2.1.0 schema (errata 01), which is what GitHub and the SARIF tools expect.
const schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Invocations        []sarifInvocation           `json:"invocations"`
	Results            []sarifResult               `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// SARIFOptions are the settings of a SARIF document.
type SARIFOptions struct {
	// Root is the directory locations are relative to (uriBaseId
	// %SRCROOT%), normally the repository's checkout: the working
	// directory. A path outside it is written as an absolute file: URI.
	Root string
}

// SARIF writes one SARIF 2.1.0 log with a single run for all results.
//
// Every rule that can be reported is listed in the driver, with a stable
// id, so GitHub shows its descriptions and help. A finding tied to an
// annotation is located at the annotation's line and column; a finding
// about an object (a section mismatch: installed modules carry no line
// information) is located at the object file, line 1, since GitHub needs a
// line for every result.
func SARIF(w io.Writer, rs []Result, opt SARIFOptions) error {
	root := opt.Root
	if root != "" {
		if abs, err := filepath.Abs(root); err == nil {
			root = abs
		}
	}
	rules, index := sarifRules(rs)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "initsec",
			InformationURI: "https://github.com/initsec/initsec",
			Version:        toolVersion(),
			Rules:          rules,
		}},
		Results: []sarifResult{},
	}
	if root != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{
			srcRoot: {URI: fileURI(root) + "/"},
		}
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, r := range rs {
		if r.Err != nil {
			inv.ExecutionSuccessful = false
			inv.Notifications = append(inv.Notifications, sarifNotification{
				Level:     "error",
				Message:   sarifText{Text: r.Err.Error()},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(root, r.Object)}}},
			})
		}
		for _, f := range r.Findings {
			run.Results = append(run.Results, sarifResultOf(root, r, f, index[f.Rule]))
		}
	}
	run.Invocations = []sarifInvocation{inv}
	log := sarifLog{Schema: schemaURI, Version: sarifVersion, Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func sarifResultOf(root string, r Result, f sectionrt.Finding, ruleIndex int) sarifResult {
	res := sarifResult{
		RuleID:    f.Rule,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: message(r, f)},
	}
	loc := sarifPhysical{ArtifactLocation: artifact(root, f.Object), Region: &sarifRegion{StartLine: 1}}
	if f.Object == "" {
		loc.ArtifactLocation = artifact(root, r.Object)
	}
	if file, line, col, ok := splitPosition(f.Annotation); ok {
		loc.ArtifactLocation = artifact(root, file)
		loc.Region = &sarifRegion{StartLine: line, StartColumn: col}
	}
	res.Locations = []sarifLocation{{PhysicalLocation: loc}}
	h := sha256.New()
	for _, s := range append([]string{f.Rule, loc.ArtifactLocation.URI, f.Symbol}, fingerprintParts(f)...) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	res.PartialFingerprints = map[string]string{fingerprintKey: hex.EncodeToString(h.Sum(nil))[:32]}
	if r.Rules != "" {
		res.Properties = map[string]any{"rules": r.Rules}
	}
	return res
}

// message is the result's text: the finding's message, with the object
// named when the location is an annotation (the object is then not the
// artifact).
func message(r Result, f sectionrt.Finding) string {
	msg := f.Message
	if f.Annotation != "" && f.Object != "" {
		msg += " [" + f.Object + "]"
	}
	return msg
}

func sarifLevel(s sectionrt.Severity) string {
	switch s {
	case sectionrt.Error:
		return "error"
	case sectionrt.Note:
		return "note"
	}
	return "warning"
}

// splitPosition splits "file:line:col" (or "file:line").
func splitPosition(pos string) (file string, line, col int, ok bool) {
	i := strings.LastIndexByte(pos, ':')
	if i <= 0 {
		return "", 0, 0, false
	}
	last, err := strconv.Atoi(pos[i+1:])
	if err != nil || last <= 0 {
		return "", 0, 0, false
	}
	j := strings.LastIndexByte(pos[:i], ':')
	if j > 0 {
		if l, err := strconv.Atoi(pos[j+1 : i]); err == nil && l > 0 {
			return pos[:j], l, last, true
		}
	}
	return pos[:i], last, 0, true
}

// artifact locates path relative to root when it is inside it, else as an
// absolute file: URI.
func artifact(root, path string) sarifArtifactLoc {
	abs, err := filepath.Abs(path)
	if err == nil && root != "" {
		if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return sarifArtifactLoc{URI: relURI(filepath.ToSlash(rel)), URIBaseID: srcRoot}
		}
	}
	if err != nil {
		return sarifArtifactLoc{URI: relURI(filepath.ToSlash(path))}
	}
	return sarifArtifactLoc{URI: fileURI(abs)}
}

// relURI escapes a relative slash path as a URI reference.
func relURI(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

func fileURI(abs string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version // "(devel)" for a build from a checkout
	}
	return "devel"
}

// sarifRules lists every known rule plus any other rule id the results
// use, sorted by id, and each id's index in the list.
func sarifRules(rs []Result) ([]sarifRule, map[string]int) {
	ids := slices.Collect(func(yield func(string) bool) {
		for id := range ruleDocs {
			if !yield(id) {
				return
			}
		}
	})
	for _, r := range rs {
		for _, f := range r.Findings {
			if _, ok := ruleDocs[f.Rule]; !ok && !slices.Contains(ids, f.Rule) {
				ids = append(ids, f.Rule)
			}
		}
	}
	slices.Sort(ids)
	out := make([]sarifRule, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		d := describe(id)
		out[i] = sarifRule{
			ID:                   id,
			Name:                 d.name,
			ShortDescription:     sarifText{Text: d.short},
			FullDescription:      sarifText{Text: d.full},
			Help:                 sarifText{Text: d.help, Markdown: d.help},
			DefaultConfiguration: sarifConfig{Level: d.level},
			Properties:           map[string]any{"tags": []string{"linux-kernel", "init-section", strings.SplitN(id, "/", 2)[0]}},
		}
		index[id] = i
	}
	return out, index
}
