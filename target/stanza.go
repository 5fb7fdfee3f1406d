package target

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Stanza is one package version's paragraph in a Packages index (or in
// apt-cache show's output, which prints the same fields): the fields a
// resolution uses.
type Stanza struct {
	Package      string
	Version      string
	Architecture string // "amd64", "arm64", "all"
	Depends      string
	SHA256       string
	Filename     string // path in the archive, "pool/main/l/linux/…"
}

// parseStanzas reads deb822 paragraphs (Debian Policy 5.1: "Field: value",
// continuation lines start with a space or tab, paragraphs are separated
// by blank lines; lines starting with '#' are comments, as deb822(5)
// allows). Fields other than Stanza's are skipped; a paragraph
// without Package is an error.
func parseStanzas(data []byte) ([]Stanza, error) {
	var out []Stanza
	var cur Stanza
	var field string // the field continuation lines belong to
	seen := false
	flush := func(line int) error {
		if !seen {
			return nil
		}
		if cur.Package == "" || cur.Version == "" || cur.Architecture == "" {
			return fmt.Errorf("line %d: paragraph without Package, Version or Architecture", line)
		}
		out = append(out, cur)
		cur, seen, field = Stanza{}, false, ""
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			if err := flush(n); err != nil {
				return nil, err
			}
			continue
		}
		if line[0] == '#' {
			continue
		}
		seen = true
		if line[0] == ' ' || line[0] == '\t' {
			if field == "Depends" {
				cur.Depends += " " + strings.TrimSpace(line)
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: %q is not a field", n, line)
		}
		field = name
		value = strings.TrimSpace(value)
		switch name {
		case "Package":
			cur.Package = value
		case "Version":
			cur.Version = value
		case "Architecture":
			cur.Architecture = value
		case "Depends":
			cur.Depends = value
		case "SHA256":
			cur.SHA256 = value
		case "Filename":
			cur.Filename = value
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := flush(n); err != nil {
		return nil, err
	}
	return out, nil
}

// Dependency is one alternative of a Depends group: a package name with an
// optional version relation ("=", ">=", "<<", …).
type Dependency struct {
	Name     string
	Relation string
	Version  string
}

// parseDepends splits a Depends value into groups of alternatives
// ("a (= 1) | b, c"). Architecture qualifiers (":any") are dropped;
// architecture restrictions ("[amd64]") and build profiles do not occur
// in binary packages' Depends and are dropped too.
func parseDepends(s string) [][]Dependency {
	var groups [][]Dependency
	for _, g := range strings.Split(s, ",") {
		var alts []Dependency
		for _, a := range strings.Split(g, "|") {
			a = strings.TrimSpace(a)
			if i := strings.IndexAny(a, "[<"); i >= 0 && !strings.Contains(a[:i], "(") {
				a = strings.TrimSpace(a[:i])
			}
			var d Dependency
			name, rel, _ := strings.Cut(a, "(")
			d.Name = strings.TrimSpace(name)
			if n, _, ok := strings.Cut(d.Name, ":"); ok {
				d.Name = n
			}
			if rel != "" {
				rel = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rel), ")"))
				i := strings.IndexFunc(rel, func(r rune) bool { return r != '<' && r != '>' && r != '=' })
				if i > 0 {
					d.Relation, d.Version = rel[:i], strings.TrimSpace(rel[i:])
				}
			}
			if d.Name != "" {
				alts = append(alts, d)
			}
		}
		if len(alts) > 0 {
			groups = append(groups, alts)
		}
	}
	return groups
}
