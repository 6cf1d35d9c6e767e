# The platform-neutral agent core: its sources for napagent.exe, and its native tests and
# benchmarks (host gcc, libuv1-dev). Included by the top-level Makefile; also usable alone:
#   make -f mk/core.mk native-check     unit tests under ASan + UBSan, leak-checked, via prove
#   make -f mk/core.mk native-bench     benchmarks (-O2, no sanitizers), figures on stdout

BUILD ?= build
# What every native compile waits for: the top-level Makefile sets it to its installer target
# (gcc and libuv1-dev may not be there yet); alone, this file assumes they are.
CORE_DEPS ?=
# Alone too, as many jobs as cores (the top-level Makefile has asked for them already).
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
JOBS ?= $(shell nproc)
MAKEFLAGS += -j$(JOBS)
endif

CORE_SRCS := \
	service/core/agent_calls.c \
	service/core/agent_config.c \
	service/core/agent_lifecycle.c \
	service/core/agent_requests.c \
	service/core/client_binding.c \
	service/core/client_worker.c \
	service/core/component_admin.c \
	service/core/components.c \
	service/core/connection_table.c \
	service/core/diagnostics.c \
	service/core/handoff_queue.c \
	service/core/holder_probe.c \
	service/core/registration.c \
	service/core/retry_policy.c \
	service/core/retry_schedule.c \
	service/core/sha_dispatch.c \
	service/core/snapshot.c \
	service/core/soh_change.c \
	service/core/soh_delivery.c \
	service/core/soh_exchange.c

# The [MS-SOH] codec (service/soh/): platform-neutral, linked wherever the core is, and into
# qutil.dll.
SOH_SRCS := \
	service/soh/soh_attributes.c \
	service/soh/soh_error.c \
	service/soh/soh_items.c \
	service/soh/soh_message.c \
	service/soh/soh_values.c
CORE_SRCS += $(SOH_SRCS)

# Test-only storage; not part of napagent.exe.
CORE_TEST_SRCS := service/core/memory_store.c

CORE_HDRS := $(wildcard service/core/*.h) $(wildcard service/soh/*.h) tests/tap.h $(wildcard tests/unit/*.h)

NATIVE_CC ?= gcc
NATIVE_DIR := $(BUILD)/native
NATIVE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -g \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
	-Iservice/core -Iservice/soh -Itests
NATIVE_BENCH_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 -g \
	-Iservice/core -Iservice/soh -Itests
NATIVE_LIBS := -luv

# The core is compiled once per flavour and linked into every test or benchmark.
NATIVE_CORE_OBJS := $(patsubst service/%.c,$(NATIVE_DIR)/core-check/%.o,$(CORE_SRCS) $(CORE_TEST_SRCS))
NATIVE_BENCH_OBJS := $(patsubst service/%.c,$(NATIVE_DIR)/core-bench/%.o,$(CORE_SRCS) $(CORE_TEST_SRCS))

NATIVE_TESTS := $(patsubst tests/unit/%.c,$(NATIVE_DIR)/unit/%,$(wildcard tests/unit/*.c))
NATIVE_BENCHES := $(patsubst tests/bench/%.c,$(NATIVE_DIR)/bench/%,$(wildcard tests/bench/*.c))

# Objects are build products, not intermediates to delete.
.SECONDARY:

.PHONY: native-check native-bench

$(NATIVE_DIR)/core-check/%.o: service/%.c $(CORE_HDRS) | $(CORE_DEPS)
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_CFLAGS) -c -o $@ $<

$(NATIVE_DIR)/core-bench/%.o: service/%.c $(CORE_HDRS) | $(CORE_DEPS)
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_BENCH_CFLAGS) -c -o $@ $<

$(NATIVE_DIR)/unit/%: tests/unit/%.c $(NATIVE_CORE_OBJS) $(CORE_HDRS) | $(CORE_DEPS)
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_CFLAGS) -o $@ $< $(NATIVE_CORE_OBJS) $(NATIVE_LIBS)

$(NATIVE_DIR)/bench/%: tests/bench/%.c $(NATIVE_BENCH_OBJS) $(CORE_HDRS) | $(CORE_DEPS)
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_BENCH_CFLAGS) -o $@ $< $(NATIVE_BENCH_OBJS) $(NATIVE_LIBS)

native-check: $(NATIVE_TESTS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		prove --exec '' $(NATIVE_TESTS)

# Timings never fail the build: each benchmark only prints its figures.
native-bench: $(NATIVE_BENCHES)
	@for b in $(NATIVE_BENCHES); do $$b || exit 1; done
