multi_obj-y := mo_core.o mo_extra.o
