package tables

import (
	"hash/crc32"
	"testing"
)

func TestCRC32Table(t *testing.T) {
	if CRC32Table != *crc32.IEEETable {
		t.Error("CRC32Table differs from hash/crc32's IEEE table (run go generate)")
	}
}

func TestCheckValue(t *testing.T) {
	if got := crc32.ChecksumIEEE([]byte(CheckInput)); got != CheckValue {
		t.Errorf("crc32(%q) = %#08x, CheckValue = %#08x", CheckInput, got, CheckValue)
	}
}
