package main

import "syscall"

// sysFinitModule is finit_module's number on arm64
// (include/uapi/asm-generic/unistd.h).
const sysFinitModule = syscall.SYS_FINIT_MODULE
