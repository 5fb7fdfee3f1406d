package tables

import "math"

// Registers written once at init.
//
//go:init-section initdata c=init_regs
var Regs = []uint16{0x101, 5: 0x400, math.MaxUint16}

//go:init-section initconst
var CRCTable = [4]uint32{0, 0x77073096, 0xee0e612c, 0x990951ba}

//go:init-section initconst
var Banner = "say \"hi\"??\n\x01\xff"

//go:init-section initconst
var Deltas = [...]int8{-1, 2, -128, 127}

//go:init-section initconst
var Wide = [2]int64{math.MinInt64, math.MaxInt64}

//go:init-section initconst
var Big = []uint64{1, math.MaxUint64}

//go:init-section initdata
var Flags = [3]bool{true, false, true}

//go:init-section initconst
var Bytes = [13]uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}

//go:init-section initconst
var Magic int32 = -2147483648

var notAnnotated = 3
