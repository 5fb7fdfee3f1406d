# initsec's kbuild probe: make reads the directory's kbuild file as kbuild
# does (src and obj set, the tree's auto.conf included, KERNELRELEASE set so
# that the usual ifneq ($(KERNELRELEASE),) guard takes the kbuild branch)
# and prints the modules it would build and the objects linked into each.
# Run as: make -s -f - -C DIR INITSEC_SRC=DIR INITSEC_KDIR=KDIR
#   INITSEC_RELEASE=RELEASE INITSEC_FILE=DIR/Kbuild initsec-probe
src := $(INITSEC_SRC)
obj := $(INITSEC_SRC)
srctree := $(INITSEC_KDIR)
-include $(INITSEC_KDIR)/include/config/auto.conf
KERNELRELEASE := $(INITSEC_RELEASE)
include $(INITSEC_FILE)
$(info initsec-obj-m: $(obj-m))
$(foreach m,$(patsubst %.o,%,$(filter %.o,$(obj-m))),$(info initsec-mod: $(m): $($(m)-y) $($(m)-objs) $($(m)-m)))
.PHONY: initsec-probe
initsec-probe: ;
