package target

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TargetsFile is the name of the file at a repository's root that lists
// the targets it supports.
const TargetsFile = "initsec.targets"

// Limits on a targets file, so a wrong file fails fast.
const (
	MaxFileSize = 64 << 10
	MaxTargets  = 256
)

// ErrNoTargetsFile is returned by ReadTargets when the directory has no
// targets file: builds then use the host's kernel or $KDIR.
var ErrNoTargetsFile = errors.New("no " + TargetsFile)

// SyntaxError is an error at a position in a targets or lock file:
// file:line:col: msg. Line and Col count from 1; Col is in bytes.
type SyntaxError struct {
	File      string
	Line, Col int
	Err       error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Col, e.Err)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// ReadTargets reads dir's targets file. It returns ErrNoTargetsFile
// (wrapped, with the path) when there is none.
func ReadTargets(dir string) ([]Target, error) {
	path := filepath.Join(dir, TargetsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoTargetsFile)
	}
	if err != nil {
		return nil, err
	}
	return ParseTargets(path, data)
}

// ParseTargets parses a targets file: one target name per line (see
// ParseName), in any order; blank lines are ignored, and '#' starts a
// comment that runs to the end of the line. Spaces and tabs around a name
// are allowed, nothing else is: two words on a line, an unknown name or
// the same target twice is an error naming file:line:col, with a hint
// listing known names. Lines may end in "\n" or "\r\n". The targets are
// returned in file order.
func ParseTargets(file string, data []byte) ([]Target, error) {
	if len(data) > MaxFileSize {
		return nil, &SyntaxError{File: file, Line: 1, Col: 1, Err: fmt.Errorf("larger than %d bytes", MaxFileSize)}
	}
	var targets []Target
	first := map[Target]int{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		lineNo := i + 1
		text := strings.TrimSuffix(string(line), "\r")
		if j := strings.IndexByte(text, '#'); j >= 0 {
			text = text[:j]
		}
		name, col := trimBlank(text)
		if name == "" {
			continue
		}
		if j := strings.IndexAny(name, " \t"); j >= 0 {
			rest, restCol := trimBlank(name[j:])
			return nil, &SyntaxError{File: file, Line: lineNo, Col: col + j + restCol - 1,
				Err: fmt.Errorf("unexpected %q after target %q: one target per line", rest, name[:j])}
		}
		t, err := ParseName(name)
		if err != nil {
			var ne *NameError
			off := 0
			if errors.As(err, &ne) {
				off = ne.Offset
			}
			return nil, &SyntaxError{File: file, Line: lineNo, Col: col + off, Err: fmt.Errorf("%w; %s", err, Hint())}
		}
		if prev, dup := first[t]; dup {
			return nil, &SyntaxError{File: file, Line: lineNo, Col: col, Err: fmt.Errorf("target %s listed twice (first on line %d)", t, prev)}
		}
		if len(targets) == MaxTargets {
			return nil, &SyntaxError{File: file, Line: lineNo, Col: col, Err: fmt.Errorf("more than %d targets", MaxTargets)}
		}
		first[t] = lineNo
		targets = append(targets, t)
	}
	return targets, nil
}

// trimBlank trims spaces and tabs and returns the 1-based column of what
// is left.
func trimBlank(s string) (string, int) {
	t := strings.TrimLeft(s, " \t")
	col := len(s) - len(t) + 1
	return strings.TrimRight(t, " \t"), col
}
