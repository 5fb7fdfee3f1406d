//go:build !(linux && (amd64 || arm64)) || initsec_godecoders

package modfile

import (
	"errors"
	"io"
)

// The C decoders are loaded on linux/amd64 and linux/arm64 only (where
// github.com/ebitengine/purego needs no cgo); elsewhere, and in a build
// with -tags initsec_godecoders (which, with CGO_ENABLED=0, is a static
// binary: purego makes it dynamically linked), the Go decoders decode
// every module.

var errNoPurego = errors.New("C decoders not built in (not linux/amd64 or linux/arm64, or -tags initsec_godecoders)")

type lzmaLib struct{ version string }

type zstdLib struct{ version string }

func loadLZMA() (*lzmaLib, error) { return nil, errNoPurego }

func loadZstd() (*zstdLib, error) { return nil, errNoPurego }

type cXZ struct{}

func newCXZ(*lzmaLib) *cXZ { return nil }

func (*cXZ) end() {}

func (*cXZ) Reset(io.Reader) error { return errNoPurego }

func (*cXZ) Read([]byte) (int, error) { return 0, errNoPurego }

type cZstd struct{}

func newCZstd(*zstdLib) *cZstd { return nil }

func (*cZstd) end() {}

func (*cZstd) size([]byte) int64 { return -1 }

func (*cZstd) decode(_, _ []byte) error { return errNoPurego }
