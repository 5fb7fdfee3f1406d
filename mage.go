//go:build ignore

// mage.go runs this repository's Mage targets without installing mage:
//
//	go run mage.go build   # install what is missing, generate, build and verify examples/
//	go run mage.go test    # the same, then the test suite
//	go run mage.go -l      # list the targets
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
