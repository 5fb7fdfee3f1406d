//go:build !(linux && (amd64 || arm64))

package modfile

import (
	"errors"
	"io"
)

// The C decoders are loaded on linux/amd64 and linux/arm64 only (where
// github.com/ebitengine/purego needs no cgo); elsewhere the Go decoders
// decode every module.

var errNoPurego = errors.New("C decoders not loaded on this platform")

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
