module github.com/initsec/initsec

go 1.26.0

require (
	github.com/cavaliergopher/cpio v1.0.1
	github.com/dave/jennifer v1.7.1
	github.com/klauspost/compress v1.20.4
	github.com/magefile/mage v1.17.2
	github.com/rogpeppe/go-internal v1.16.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	github.com/therootcompany/xz v1.0.1
	github.com/ulikunitz/xz v0.5.17
	golang.org/x/mod v0.43.0
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
)

require (
	golang.org/x/text v0.14.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)
