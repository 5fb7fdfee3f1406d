package sectionrt

import "fmt"

// FormatError reports malformed or unsupported ELF input. Its message starts
// with the file name, e.g.
//
//	hello.ko: truncated section header table: 48 headers of 64 bytes at offset 0x1a820 end at 0x1b820, past the end of the file (0x1a900 bytes)
type FormatError struct {
	File string // the name given to Open or NewObject
	Off  int64  // file offset the problem was found at, -1 when not known
	Msg  string // what is wrong
	Err  error  // underlying error (from debug/elf or the reader), may be nil
}

func (e *FormatError) Error() string {
	s := e.File + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(file string, off int64, err error, format string, args ...any) *FormatError {
	return &FormatError{File: file, Off: off, Msg: fmt.Sprintf(format, args...), Err: err}
}
