package main

import (
	"syscall"
	"unsafe"
)

// finitModule is finit_module(2): load the module in the file fd with
// param_values params ("name=value ...").
func finitModule(fd int, params string) error {
	p, err := syscall.BytePtrFromString(params)
	if err != nil {
		return err
	}
	_, _, e := syscall.Syscall(sysFinitModule, uintptr(fd), uintptr(unsafe.Pointer(p)), 0)
	if e != 0 {
		return e
	}
	return nil
}

// deleteModule is delete_module(2) with O_NONBLOCK, as rmmod calls it.
func deleteModule(name string) error {
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	_, _, e := syscall.Syscall(syscall.SYS_DELETE_MODULE, uintptr(unsafe.Pointer(p)), syscall.O_NONBLOCK, 0)
	if e != 0 {
		return e
	}
	return nil
}
