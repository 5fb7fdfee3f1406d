package main

// sysFinitModule is finit_module's number on x86_64
// (arch/x86/entry/syscalls/syscall_64.tbl); package syscall's table
// predates it.
const sysFinitModule = 313
