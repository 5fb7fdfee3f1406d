package modfile

import (
	"os"
	"sync"
)

// GoDecodersEnv is the environment variable that, set to 1, makes modfile
// decode xz and zstd with its Go decoders even where the C libraries load.
const GoDecodersEnv = "INITSEC_GO_DECODERS"

// Go decoders, used where the C library is not loaded.
const (
	goXZ   = "Go (github.com/therootcompany/xz)"
	goZstd = "Go (github.com/klauspost/compress/zstd)"
	goGzip = "Go (compress/gzip)"
)

// libs are the C decoders this process loaded: nil where a library is
// not loaded, and why in the note.
type libs struct {
	xz       *lzmaLib
	zstd     *zstdLib
	xzNote   string
	zstdNote string
}

var (
	libsOnce sync.Once
	loaded   libs
)

// clibs loads the C decoders once (unless GoDecodersEnv says not to).
func clibs() *libs {
	libsOnce.Do(func() { loaded = loadLibs(os.Getenv(GoDecodersEnv) == "1") })
	return &loaded
}

func loadLibs(goOnly bool) libs {
	var l libs
	if goOnly {
		l.xzNote, l.zstdNote = GoDecodersEnv+"=1", GoDecodersEnv+"=1"
		return l
	}
	var err error
	if l.xz, err = loadLZMA(); err != nil {
		l.xz, l.xzNote = nil, err.Error()
	}
	if l.zstd, err = loadZstd(); err != nil {
		l.zstd, l.zstdNote = nil, err.Error()
	}
	return l
}

// Decoders says which decoder each compression uses in this process,
// and why a C library is not used where it is not: for users and the
// benchmark to see what they measure.
func Decoders() string {
	l := clibs()
	s := "xz: "
	if l.xz != nil {
		s += l.xz.version
	} else {
		s += goXZ + " [" + l.xzNote + "]"
	}
	s += "; zstd: "
	if l.zstd != nil {
		s += l.zstd.version
	} else {
		s += goZstd + " [" + l.zstdNote + "]"
	}
	return s + "; gzip: " + goGzip
}
