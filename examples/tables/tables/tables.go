// Package tables holds the init-time data of the tables kernel module,
// written in Go. It is an ordinary Go package in the module directory's
// tables/ subdirectory (the module directory itself holds C files, which
// the go command refuses in a package without cgo). initsec generate reads
// the //go:init-section vars here, evaluates them with go/types and defines
// them in C: tables_initsec_data.c, declared in tables_initsec_data.h.
package tables

//go:generate go run ./gencrc -o crc32_table.go

// CheckInput is the standard CRC check input; the module checksums it at
// init with CRC32Table.
//
//go:init-section initconst c=crc32_check_input
var CheckInput = "123456789"

// CheckValue is the IEEE CRC-32 of CheckInput, as published in catalogues
// of CRC parameters ("check" value).
//
//go:init-section initconst c=crc32_check_value
var CheckValue uint32 = 0xcbf43926
