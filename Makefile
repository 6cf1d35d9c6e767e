# napagent: the Windows binaries are cross-built with MinGW-w64 and tested under Wine; the
# platform-neutral agent core is built natively and tested under ASan/UBSan.
#   make         build everything into build/bin
#   make check   every test (native + Wine); make run: the end-to-end demo; make bench
#   make fuzz    the [MS-SOH] decoders under libFuzzer (not part of check; FUZZ_SECONDS=60)
SHELL := /bin/bash
# As many jobs as cores unless told: JOBS=1 (or -j1) for one at a time. A sub-make shares its
# parent's jobs (forcing -j there would reset them). Not --output-sync: it would hold the Wine
# tests' output back until they end.
ifeq ($(MAKELEVEL),0)
JOBS ?= $(shell nproc)
MAKEFLAGS += -j$(JOBS)
endif
BUILD := build
GEN   := $(BUILD)/gen
OBJ   := $(BUILD)/obj
BIN   := $(BUILD)/bin
TBIN  := $(BUILD)/tests
DEPS  := $(BUILD)/deps
# Written by tools/install-deps.sh once everything it installs is there.
INSTALLED := $(DEPS)/.installed
VERSION := 0.1.0

CROSS   := x86_64-w64-mingw32-
WCC     := $(CROSS)gcc
WIDL    := $(CROSS)widl
WINDRES := $(CROSS)windres
WINE_IDL_DIR := /usr/include/wine/wine/windows
MINGW_IDL_DIR = $(DEPS)/src/mingw-w64/tree/mingw-w64-headers/include
LIBUV_DIR := $(DEPS)/libuv

# MinGW-w64's IDL says WINBOOL where the SDK (and Wine's base IDL) say BOOL: same type.
# widl runs inside $(GEN): the generated _p.c files include their header by the name given.
WIDLFLAGS := -Oicf -m64 -Iidl -I$(WINE_IDL_DIR) -DWINBOOL=BOOL
WCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -DCOBJMACROS -DCONST_VTABLE -DUNICODE -D_UNICODE \
           -D_WIN32_WINNT=0x0601 -DNAPAGENT_VERSION='"$(VERSION)"' -DNAPAGENT_VERSION_W='L"$(VERSION)"' -I$(GEN) -Iservice -Iservice/core -Iservice/soh -Iproxystub
WLDFLAGS := -static -municode
# Test and sample programs have a plain main().
TLDFLAGS := -static
COM_LIBS := -lole32 -loleaut32 -luuid -lrpcrt4 -ladvapi32
UV_LIBS  := -L$(LIBUV_DIR)/lib -luv_a -lws2_32 -liphlpapi -luserenv -ldbghelp -lpsapi \
            -luser32 -lshell32

# The NAP IDL files taken from MinGW-w64's sources, and ours.
NAP_IDLS := naptypes napprotocol napcommon napenforcementclient napsystemhealthagent napmanagement
OWN_IDLS := napagentdiag napagentclasses
PROXY_IDLS := $(NAP_IDLS) napagentdiag
GEN_HEADERS := $(patsubst %,$(GEN)/%.h,$(NAP_IDLS) $(OWN_IDLS))
GEN_IID_SRCS := $(patsubst %,$(GEN)/%_i.c,$(NAP_IDLS) $(OWN_IDLS))
GEN_PROXY_SRCS := $(patsubst %,$(GEN)/%_p.c,$(PROXY_IDLS)) $(GEN)/dlldata.c

.DEFAULT_GOAL := all
# The native core's compiles wait for the installer too (gcc, libuv1-dev).
CORE_DEPS := $(INSTALLED)
SERVICE_SRCS := $(wildcard service/*.c)
-include mk/core.mk
-include mk/fuzz.mk
SERVICE_SRCS += $(CORE_SRCS) proxystub/inproc_factory.c
QAGENT_SRCS := $(wildcard proxystub/*.c)
# The [MS-SOH] codec's Windows objects, for the programs that read or write SoHs themselves.
WIN_SOH_OBJS := $(SOH_SRCS:%.c=$(OBJ)/%.o)
# qutil.dll: the SoH helper classes and NAP memory utilities, over the same codec as the service.
QUTIL_SRCS := $(wildcard qutil/*.c) proxystub/inproc_factory.c proxystub/class_registration.c $(SOH_SRCS)
NAPCTL_SRCS := $(wildcard napctl/*.c)

PROGRAMS := $(BIN)/napagent.exe $(BIN)/qagent.dll $(BIN)/qutil.dll $(BIN)/napctl.exe
WINE_TEST_PROGRAMS := $(TBIN)/t_binary_compat.exe \
                      $(patsubst tests/wine/%.c,$(TBIN)/%.exe,$(wildcard tests/wine/t_*.c))
# Shell-driven tests run after the programs; each leaves napagent installed and stopped.
WINE_TEST_SCRIPTS := $(wildcard tests/wine/*.t)
DEMO_PROGRAMS := $(BIN)/demo_client.exe $(BIN)/sample_sha.exe $(BIN)/sample_ec.exe

# Generated sources are build products too: keep them for inspection and rebuilds.
.SECONDARY:

# make clean all: the clean must not run beside the build.
ifneq ($(filter clean,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif

.PHONY: all deps check check-wine check-up-to-date run bench clean dist soak
all: $(PROGRAMS)

# Every build step waits for the installer's stamp, order-only: the installer's runs never make
# the build out of date. The stamp is remade when the installer changes; make deps asks again
# (after a package was removed, say), and then the stamp waits for it rather than racing it.
$(INSTALLED): tools/install-deps.sh
	@tools/install-deps.sh
deps:
	@tools/install-deps.sh
ifneq ($(filter deps,$(MAKECMDGOALS)),)
$(INSTALLED): | deps
endif

$(GEN)/idl/.stamp: | $(INSTALLED)
	@mkdir -p $(GEN)/idl
	@touch $@

# Our own IDL, copied beside the upstream files it imports.
$(patsubst %,$(GEN)/idl/%.idl,$(OWN_IDLS)): $(GEN)/idl/%.idl: idl/%.idl $(GEN)/idl/.stamp
	@cp $< $@

# Upstream IDL plus our documented corrections (idl/overlay/NAME-*.patch).
$(patsubst %,$(GEN)/idl/%.idl,$(NAP_IDLS)): $(GEN)/idl/%.idl: $(GEN)/idl/.stamp $(wildcard idl/overlay/*.patch)
	@cp $(MINGW_IDL_DIR)/$*.idl $@
	@for p in idl/overlay/$*-*.patch; do [ -f "$$p" ] || continue; \
	   patch --quiet --no-backup-if-mismatch $@ "$$p" || exit 1; done

IDL_FILES := $(patsubst %,$(GEN)/idl/%.idl,$(NAP_IDLS) $(OWN_IDLS))

# widl writes .h, _i.c and _p.c in one run, and a pattern rule's targets are made together.
# Only the proxy IDLs get a _p.c; nothing asks for the other IDLs' one.
$(GEN)/%.h $(GEN)/%_i.c $(GEN)/%_p.c: $(GEN)/idl/%.idl $(IDL_FILES) tools/ndr-in-struct-on-stack.awk
	@echo "  WIDL    $*.idl"
	@cd $(GEN) && $(WIDL) $(WIDLFLAGS) -h -H $*.h -u -U $*_i.c \
	    $(if $(filter $*,$(PROXY_IDLS)),-p -P $*_p.c) idl/$*.idl
	@# rpcrt4 fills the zero slots of delegating stub vtables (derived interfaces) at run time,
	@# so they must not land in read-only data, where widl's "static const" puts them.
	@$(if $(filter $*,$(PROXY_IDLS)),sed -i 's/^static const CInterfaceStubVtbl /static CInterfaceStubVtbl /' $(GEN)/$*_p.c)
	@# Wine's stubs never free an [in] structure they allocate; see the script.
	@$(if $(filter $*,$(PROXY_IDLS)),awk -f tools/ndr-in-struct-on-stack.awk $(GEN)/$*_p.c $(GEN)/$*_p.c \
	    > $(GEN)/$*_p.c.tmp && mv $(GEN)/$*_p.c.tmp $(GEN)/$*_p.c)

$(GEN)/dlldata.c: $(IDL_FILES)
	@echo "  WIDL    dlldata.c"
	@cd $(GEN) && $(WIDL) --dlldata-only -o dlldata.c $(PROXY_IDLS)

# Objects: one rule per tree; every Windows object waits for all generated headers.
$(OBJ)/%.o: %.c $(GEN_HEADERS) | $(INSTALLED)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(WCC) $(WCFLAGS) -MMD -MP -I$(LIBUV_DIR)/include -c $< -o $@

# widl's generated proxy code is not ours to make -Wextra clean.
GEN_CFLAGS := $(filter-out -Wextra -Werror,$(WCFLAGS)) -Wno-unused -include proxystub/proxy_prototypes.h \
              -DREGISTER_PROXY_DLL -DENTRY_PREFIX=Prx \
              -DPROXY_CLSID_IS='{0x58f3ecaa,0xb68a,0x4c58,{0xb8,0x1c,0xcc,0xc6,0x31,0xcb,0x6d,0x5b}}'
$(OBJ)/gen/%.o: $(GEN)/%.c $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(WCC) $(GEN_CFLAGS) -c $< -o $@

GEN_IID_OBJS := $(patsubst $(GEN)/%.c,$(OBJ)/gen/%.o,$(GEN_IID_SRCS))
GEN_PROXY_OBJS := $(patsubst $(GEN)/%.c,$(OBJ)/gen/%.o,$(GEN_PROXY_SRCS))

# The event message table: windmc writes the header and the .rc in one run (a grouped target:
# as two targets it ran twice, and its second events.h outdated the objects just compiled);
# windres makes the .rc an object.
WINDMC := $(CROSS)windmc
$(GEN)/events.h $(GEN)/events.rc &: service/events.mc | $(INSTALLED)
	@mkdir -p $(GEN)
	@echo "  WINDMC  $<"
	@$(WINDMC) -h $(GEN) -r $(GEN) -b $<
$(OBJ)/gen/events_res.o: $(GEN)/events.rc
	@mkdir -p $(dir $@)
	@$(WINDRES) -I$(GEN) -i $< -o $@
# Several service files report events: their objects wait for the generated header.
$(patsubst %.c,$(OBJ)/%.o,$(wildcard service/*.c)): $(GEN)/events.h

$(BIN)/napagent.exe: $(SERVICE_SRCS:%.c=$(OBJ)/%.o) $(OBJ)/gen/events_res.o $(GEN_IID_OBJS) | $(INSTALLED)
	@mkdir -p $(BIN)
	$(WCC) $(WLDFLAGS) -o $@ $^ $(UV_LIBS) $(COM_LIBS) -lntdll

$(BIN)/qagent.dll: $(QAGENT_SRCS:%.c=$(OBJ)/%.o) $(GEN_PROXY_OBJS) $(GEN_IID_OBJS) proxystub/qagent.def
	@mkdir -p $(BIN)
	$(WCC) -shared -static -o $@ $(filter-out %.def,$^) proxystub/qagent.def $(COM_LIBS)

$(BIN)/qutil.dll: $(QUTIL_SRCS:%.c=$(OBJ)/%.o) $(GEN_IID_OBJS) qutil/qutil.def
	@mkdir -p $(BIN)
	$(WCC) -shared -static -o $@ $(filter-out %.def,$^) qutil/qutil.def $(COM_LIBS)

$(BIN)/napctl.exe: $(NAPCTL_SRCS:%.c=$(OBJ)/%.o) $(GEN_IID_OBJS)
	@mkdir -p $(BIN)
	$(WCC) $(WLDFLAGS) -o $@ $^ $(COM_LIBS)

$(BIN)/demo_client.exe $(BIN)/sample_sha.exe: $(BIN)/%.exe: $(OBJ)/examples/%.o $(GEN_IID_OBJS)
	@mkdir -p $(BIN)
	$(WCC) $(TLDFLAGS) -o $@ $^ $(COM_LIBS)

# The sample EC's stand-in policy server reads and writes SoHs with the codec.
$(BIN)/sample_ec.exe: $(OBJ)/examples/sample_ec.o $(OBJ)/examples/sample_policy_server.o $(GEN_IID_OBJS) \
                      $(WIN_SOH_OBJS)
	@mkdir -p $(BIN)
	$(WCC) $(TLDFLAGS) -o $@ $^ $(COM_LIBS)

# Test programs may use the SoH codec (platform-neutral) to read and write network SoHs.
$(TBIN)/%.exe: $(OBJ)/tests/wine/%.o $(GEN_IID_OBJS) $(WIN_SOH_OBJS)
	@mkdir -p $(TBIN)
	$(WCC) $(TLDFLAGS) -o $@ $^ $(COM_LIBS)

# The COM security test checks the service's own policy object.
$(TBIN)/t_com_security.exe: $(OBJ)/service/com_security.o

# The binary compatibility test: one object sees our generated headers, the other only the
# SDK headers shipped with MinGW-w64; each describes the layouts it sees, main compares.
$(OBJ)/tests/compat/layout_sdk.o: tests/compat/describe_layout.c tests/compat/layout.h | $(INSTALLED)
	@mkdir -p $(dir $@)
	$(WCC) $(filter-out -I$(GEN),$(WCFLAGS)) -DLAYOUT_SIDE=sdk -c $< -o $@
$(OBJ)/tests/compat/layout_ours.o: tests/compat/describe_layout.c tests/compat/layout.h $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(WCC) $(WCFLAGS) -DLAYOUT_SIDE=ours -c $< -o $@
$(TBIN)/t_binary_compat.exe: $(OBJ)/tests/compat/layout_sdk.o $(OBJ)/tests/compat/layout_ours.o \
                             $(OBJ)/tests/compat/compare_layouts.o
	@mkdir -p $(TBIN)
	$(WCC) $(TLDFLAGS) -o $@ $^ $(COM_LIBS)

# The native core's targets come from mk/core.mk.
check: check-up-to-date $(if $(wildcard mk/core.mk),native-check) check-wine dist

# Header dependencies recorded by the compiler (-MMD).
-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# Windows helpers the shell-driven tests run (not tests themselves, so not named t_*).
WINE_TEST_HELPERS := $(patsubst tests/wine/%.c,$(TBIN)/%.exe,$(wildcard tests/wine/probe_*.c))
check-wine: $(PROGRAMS) $(DEMO_PROGRAMS) $(WINE_TEST_PROGRAMS) $(WINE_TEST_HELPERS)
	@tests/wine/run-tests.sh $(WINE_TEST_PROGRAMS) $(WINE_TEST_SCRIPTS)

# Once built, nothing is left to do: make -q calls every program make check needs up to date.
CHECK_PROGRAMS := $(PROGRAMS) $(DEMO_PROGRAMS) $(WINE_TEST_PROGRAMS) $(WINE_TEST_HELPERS) $(NATIVE_TESTS)
check-up-to-date: $(CHECK_PROGRAMS)
	@MAKE="$(MAKE)" tests/make/nothing-to-do.sh $(CHECK_PROGRAMS)

# make check builds everything in parallel, then runs its phases one after the other: the Wine
# tests are timing-sensitive and must not share the cores with a build or the native tests.
ifneq ($(filter check,$(MAKECMDGOALS)),)
native-check: | check-up-to-date
check-wine: | native-check
dist: | check-wine
endif

# The long soak (not part of check, which runs the same test for 8 s): SOAK_SECONDS, SOAK_CLIENTS.
SOAK_SECONDS ?= 600
SOAK_CLIENTS ?= 4
# SOAK_HOLD=S: on a stall, keep the processes for S seconds so that winedbg can attach.
SOAK_HOLD ?=
soak: $(PROGRAMS) $(TBIN)/t_soak.exe $(TBIN)/probe_soak_ec.exe $(TBIN)/probe_victim.exe
	@NAPAGENT_SOAK_SECONDS=$(SOAK_SECONDS) NAPAGENT_SOAK_CLIENTS=$(SOAK_CLIENTS) NAPAGENT_SOAK_HOLD=$(SOAK_HOLD) \
		NAPAGENT_TEST_TIMEOUT=$$(($(SOAK_SECONDS) + 300 + $(or $(SOAK_HOLD),0))) NAPAGENT_TEST_PREFIX=build/wine/soak \
		tests/wine/run-tests.sh -v $(TBIN)/t_soak.exe

run: $(PROGRAMS) $(DEMO_PROGRAMS)
	@tools/run-demo.sh

BENCH_PROGRAMS := $(PROGRAMS) $(TBIN)/bench_com_calls.exe $(TBIN)/probe_ec_client.exe \
                  $(TBIN)/bench_service_start.exe $(TBIN)/bench_null_service.exe $(TBIN)/bench_service_idle.exe \
                  $(TBIN)/t_heap_per_call.exe
bench: $(if $(wildcard mk/core.mk),native-bench) $(BENCH_PROGRAMS)
	@tools/bench-com.sh
# The native benchmarks' figures would suffer from compiles beside them.
ifneq ($(filter bench,$(MAKECMDGOALS)),)
native-bench: | $(BENCH_PROGRAMS)
endif

# The release archive: Windows binaries, generated headers and IDL, docs and examples under one
# top folder, checked after it is written (tools/check-dist.sh).
DIST_TOP := napagent-$(VERSION)
DIST_STAGE := $(BUILD)/dist/stage
DIST_ZIP := $(BUILD)/dist/$(DIST_TOP).zip
DIST_BINS = $(wildcard $(BIN)/*.exe $(BIN)/*.dll)
DIST_HEADERS = $(GEN_HEADERS) $(GEN)/events.h
dist: $(PROGRAMS) $(DEMO_PROGRAMS) $(GEN)/events.h
	@rm -rf $(DIST_STAGE) $(DIST_ZIP)
	@mkdir -p $(DIST_STAGE)/$(DIST_TOP)/bin $(DIST_STAGE)/$(DIST_TOP)/include $(DIST_STAGE)/$(DIST_TOP)/idl \
	          $(DIST_STAGE)/$(DIST_TOP)/docs $(DIST_STAGE)/$(DIST_TOP)/examples
	@cp $(DIST_BINS) $(DIST_STAGE)/$(DIST_TOP)/bin/
	@cp $(DIST_HEADERS) $(DIST_STAGE)/$(DIST_TOP)/include/
	@cp $(IDL_FILES) $(DIST_STAGE)/$(DIST_TOP)/idl/
	@cp docs/*.md $(DIST_STAGE)/$(DIST_TOP)/docs/
	@cp examples/* $(DIST_STAGE)/$(DIST_TOP)/examples/
	@cp README.md $(DIST_STAGE)/$(DIST_TOP)/
	@cp docs/INSTALL.txt $(DIST_STAGE)/$(DIST_TOP)/INSTALL.txt
	@echo "  ZIP     $(DIST_ZIP)"
	@cd $(DIST_STAGE) && zip -qrX ../$(DIST_TOP).zip $(DIST_TOP)
	@tools/check-dist.sh $(DIST_ZIP) $(DIST_TOP) $(DIST_BINS) -- $(DIST_HEADERS) -- $(IDL_FILES)

clean:
	rm -rf $(GEN) $(OBJ) $(BIN) $(TBIN) $(BUILD)/native $(BUILD)/wine $(BUILD)/dist
