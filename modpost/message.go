package modpost

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kinds of modpost message.
const (
	KindSectionMismatch = "section-mismatch"
	KindExportInit      = "export-init" // EXPORT_SYMBOL of an __init symbol
	KindExportExit      = "export-exit" // EXPORT_SYMBOL of an __exit symbol
	KindOther           = "other"       // any other modpost message
)

// Warning is one message of modpost. For a section mismatch, From* name the
// place holding the reference and To* what it refers to; for an export
// message ToSym is the exported symbol and ToSec its section (empty when the
// message does not say, as from v6.5 on).
type Warning struct {
	Level   string // "WARNING", "ERROR" or "FATAL", as printed
	Module  string // as printed: "vmlinux.o" and "/abs/dir/mod.o" up to v6.4, "vmlinux" and "/abs/dir/mod" later
	FromSym string // "" when modpost found no symbol (printed "(unknown)" or as a bare address)
	FromOff uint64 // offset from FromSym, or the address in FromSec when FromSym is ""
	HasOff  bool   // whether the message gave an offset (v6.1's short form does not)
	FromSec string
	ToSym   string // a symbol, a bare "0x..." address (v6.5+ when unnamed), or "" for "(unknown)"
	ToSec   string
	Kind    string // one of the Kind* constants
	Raw     string // the line as read, without the line ending
}

// The message texts, from scripts/mod/modpost.c:
//
// v6.1 (report_sec_mismatch, report_extable_warnings):
//
//	"%s: section mismatch in reference: %s (section: %s) -> %s (section: %s)\n"
//	"%s: EXPORT_SYMBOL used for init/exit symbol: %s (section: %s)\n"
//	"%s(%s+0x%lx): Section mismatch in reference from the %s %s%s to the %s %s:%s%s\n"
//
// v6.5 and later (default_mismatch_handler, check_export_symbol):
//
//	"%s: section mismatch in reference: %s%s0x%x (section: %s) -> %s (section: %s)\n"
//	"%s: %s: EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL.\n"
//	"%s: %s: EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL.\n"
//
// modpost_log prefixes each with "WARNING: modpost: " or "ERROR: modpost: ".
// Until v6.4 the module is the object file name ("vmlinux.o"); from v6.5 on
// it is mod->name, with ".o" stripped.
const (
	mismatchMark  = ": section mismatch in reference: "
	verboseMark   = "): Section mismatch in reference from the "
	export61Mark  = ": EXPORT_SYMBOL used for init/exit symbol: "
	exportInitEnd = ": EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL."
	exportExitEnd = ": EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL."
	sectionOpen   = " (section: "
	modpostPrefix = "modpost: "
)

// newFormat is the first release printing "sym+0xoff" and module names
// without ".o" (Masahiro Yamada's modpost rework, merged for v6.5).
var newFormat = KernelVersion{6, 5, 0}

// Parse reads a build log and returns the modpost messages in it, in
// order. Lines that are not modpost messages are skipped; "\r\n" line endings
// are accepted. The error is only ever a read error.
func Parse(r io.Reader) ([]Warning, error) {
	var ws []Warning
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if w, ok := ParseLine(sc.Text()); ok {
			ws = append(ws, w)
		}
	}
	if err := sc.Err(); err != nil {
		return ws, fmt.Errorf("read modpost output: %w", err)
	}
	return ws, nil
}

// ParseLine parses one line of modpost output (see the package
// documentation for the forms). It reports false for a line that is not a
// modpost message; a modpost message it does not know, or one of a known
// form that is cut short, is returned with Kind "other".
func ParseLine(line string) (Warning, bool) {
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	w := Warning{Raw: line, Kind: KindOther}
	level, rest, ok := cutLevel(line)
	if !ok {
		return Warning{}, false
	}
	w.Level = level
	rest, hasModpost := strings.CutPrefix(rest, modpostPrefix)
	if !hasModpost {
		// Before v5.x there was no "modpost: "; only the verbose mismatch
		// form is taken as modpost's then, as other tools print "WARNING: ".
		if parseVerbose(rest, &w) {
			return w, true
		}
		return Warning{}, false
	}
	switch {
	case parseShort(rest, &w), parseVerbose(rest, &w), parseExport(rest, &w):
	default:
		w = Warning{Level: level, Kind: KindOther, Raw: line}
	}
	return w, true
}

func cutLevel(line string) (level, rest string, ok bool) {
	for _, l := range []string{"WARNING", "ERROR", "FATAL"} {
		if r, ok := strings.CutPrefix(line, l+": "); ok {
			return l, r, true
		}
	}
	return "", "", false
}

// parseShort parses "MOD: section mismatch in reference: FROM (section: FS) -> TO (section: TS)".
func parseShort(s string, w *Warning) bool {
	mod, rest, ok := strings.Cut(s, mismatchMark)
	if !ok || mod == "" {
		return false
	}
	from, rest, ok := strings.Cut(rest, sectionOpen)
	if !ok {
		return false
	}
	fromSec, rest, ok := strings.Cut(rest, ") -> ")
	if !ok {
		return false
	}
	to, rest, ok := strings.Cut(rest, sectionOpen)
	if !ok {
		return false
	}
	toSec, ok := strings.CutSuffix(rest, ")")
	if !ok || from == "" || fromSec == "" || to == "" || toSec == "" ||
		strings.ContainsAny(fromSec+toSec, " ()") {
		return false
	}
	w.Module, w.FromSec, w.ToSec = mod, fromSec, toSec
	w.FromSym, w.FromOff, w.HasOff = splitSymOff(from)
	if to != "(unknown)" {
		w.ToSym = to
	}
	w.Kind = KindSectionMismatch
	return true
}

// splitSymOff splits "sym+0xoff", "0xaddr", "sym" and "(unknown)+0xoff".
func splitSymOff(s string) (sym string, off uint64, hasOff bool) {
	if hex, ok := strings.CutPrefix(s, "0x"); ok {
		if n, err := strconv.ParseUint(hex, 16, 64); err == nil {
			return "", n, true
		}
	}
	if i := strings.LastIndex(s, "+0x"); i > 0 {
		if n, err := strconv.ParseUint(s[i+3:], 16, 64); err == nil {
			sym = s[:i]
			if sym == "(unknown)" {
				sym = ""
			}
			return sym, n, true
		}
	}
	if s == "(unknown)" {
		return "", 0, false
	}
	return s, 0, false
}

// parseVerbose parses
// "MOD(FS+0xOFF): Section mismatch in reference from the K1 FROM[()] to the K2 TS:TO[()]".
func parseVerbose(s string, w *Warning) bool {
	head, rest, ok := strings.Cut(s, verboseMark)
	if !ok {
		return false
	}
	open := strings.LastIndexByte(head, '(')
	if open <= 0 {
		return false
	}
	mod, where := head[:open], head[open+1:]
	plus := strings.LastIndex(where, "+0x")
	if plus <= 0 {
		return false
	}
	off, err := strconv.ParseUint(where[plus+3:], 16, 64)
	if err != nil {
		return false
	}
	from, rest, ok := strings.Cut(rest, " to the ")
	if !ok {
		return false
	}
	fromSym, ok := cutRefKind(from)
	if !ok {
		return false
	}
	to, ok := cutRefKind(rest)
	if !ok {
		return false
	}
	toSec, toSym, ok := strings.Cut(to, ":")
	if !ok || toSec == "" {
		return false
	}
	w.Module, w.FromSec, w.FromOff, w.HasOff = mod, where[:plus], off, true
	w.FromSym, w.ToSec, w.ToSym = unknownToEmpty(fromSym), toSec, unknownToEmpty(toSym)
	w.Kind = KindSectionMismatch
	return true
}

// cutRefKind strips get_pretty_name's "function NAME()", "variable NAME" or
// "(unknown reference) NAME" down to NAME.
func cutRefKind(s string) (string, bool) {
	for _, k := range []string{"function ", "variable ", "(unknown reference) "} {
		if name, ok := strings.CutPrefix(s, k); ok && name != "" && !strings.Contains(name, " ") {
			if k == "function " {
				name = strings.TrimSuffix(name, "()")
			}
			return name, true
		}
	}
	return "", false
}

func unknownToEmpty(s string) string {
	if s == "(unknown)" {
		return ""
	}
	return s
}

// parseExport parses both generations of the EXPORT_SYMBOL message.
func parseExport(s string, w *Warning) bool {
	if mod, rest, ok := strings.Cut(s, export61Mark); ok {
		sym, rest, ok := strings.Cut(rest, sectionOpen)
		if !ok || mod == "" || sym == "" {
			return false
		}
		sec, ok := strings.CutSuffix(rest, ")")
		if !ok || sec == "" {
			return false
		}
		switch {
		case strings.HasPrefix(sec, ".init") || strings.HasPrefix(sec, ".meminit"):
			w.Kind = KindExportInit
		case strings.HasPrefix(sec, ".exit") || strings.HasPrefix(sec, ".memexit"):
			w.Kind = KindExportExit
		default:
			return false
		}
		w.Module, w.ToSym, w.ToSec = mod, sym, sec
		return true
	}
	kind := KindExportInit
	head, ok := strings.CutSuffix(s, exportInitEnd)
	if !ok {
		kind = KindExportExit
		if head, ok = strings.CutSuffix(s, exportExitEnd); !ok {
			return false
		}
	}
	i := strings.LastIndex(head, ": ")
	if i <= 0 || i+2 == len(head) {
		return false
	}
	w.Module, w.ToSym, w.Kind = head[:i], head[i+2:], kind
	return true
}

// String renders w as modpost of v6.5 and later prints it (v6.12, v6.19).
func (w Warning) String() string { return w.Format(KernelVersion{6, 12, 0}) }

// Format renders w as modpost of kernel version v would print it: the v6.1
// form before v6.5, the current form from v6.5 on. The module name gains or
// loses its ".o" to match. A Warning of Kind "other" is rendered as Raw. In
// the current form a missing offset is printed as +0x0; in the v6.1 export
// form a missing section (the current form does not give it) is printed as
// ".init.*" or ".exit.*".
func (w Warning) Format(v KernelVersion) string {
	level := w.Level
	if level == "" {
		level = "WARNING"
	}
	old := v.Less(newFormat)
	mod := w.Module
	if old {
		if !strings.HasSuffix(mod, ".o") {
			mod += ".o"
		}
	} else {
		mod = strings.TrimSuffix(mod, ".o")
	}
	orUnknown := func(s string) string {
		if s == "" {
			return "(unknown)"
		}
		return s
	}
	var msg string
	switch w.Kind {
	case KindSectionMismatch:
		if old {
			msg = fmt.Sprintf("%s: section mismatch in reference: %s (section: %s) -> %s (section: %s)",
				mod, orUnknown(w.FromSym), w.FromSec, orUnknown(w.ToSym), w.ToSec)
		} else {
			plus := ""
			if w.FromSym != "" {
				plus = "+"
			}
			msg = fmt.Sprintf("%s: section mismatch in reference: %s%s0x%x (section: %s) -> %s (section: %s)",
				mod, w.FromSym, plus, w.FromOff, w.FromSec, orUnknown(w.ToSym), w.ToSec)
		}
	case KindExportInit, KindExportExit:
		if old {
			sec := w.ToSec
			if sec == "" && w.Kind == KindExportInit {
				sec = ".init.*"
			} else if sec == "" {
				sec = ".exit.*"
			}
			msg = fmt.Sprintf("%s: EXPORT_SYMBOL used for init/exit symbol: %s (section: %s)",
				mod, w.ToSym, sec)
		} else if w.Kind == KindExportInit {
			msg = fmt.Sprintf("%s: %s%s", mod, w.ToSym, exportInitEnd)
		} else {
			msg = fmt.Sprintf("%s: %s%s", mod, w.ToSym, exportExitEnd)
		}
	default:
		return w.Raw
	}
	return level + ": " + modpostPrefix + msg
}
