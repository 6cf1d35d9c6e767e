# make fuzz: libFuzzer with ASan + UBSan on every [MS-SOH] decoder (tests/fuzz/fuzz_soh.c), from
# a seed corpus made of the unit tests' hand-derived vectors. Not part of make check: it runs for
# FUZZ_SECONDS (default 60) and needs clang, which tools/install-deps.sh --fuzz installs.
# New inputs go to build/fuzz/corpus (kept between runs), crashes to build/fuzz/crash-*.

FUZZ_SECONDS ?= 60
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iservice/core -Iservice/soh -Itests/unit
FUZZ_SRCS := tests/fuzz/fuzz_soh.c $(SOH_SRCS)

.PHONY: fuzz fuzz-deps
fuzz-deps:
	@tools/install-deps.sh --fuzz

$(FUZZ_DIR)/fuzz_soh: $(FUZZ_SRCS) $(wildcard service/soh/*.h) | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS)

$(FUZZ_DIR)/make_seeds: tests/fuzz/make_seeds.c $(SOH_SRCS) $(wildcard service/soh/*.h) tests/unit/soh_vectors.h | fuzz-deps
	@mkdir -p $(dir $@)
	$(NATIVE_CC) $(NATIVE_CFLAGS) -Itests/unit -o $@ tests/fuzz/make_seeds.c $(SOH_SRCS)

$(FUZZ_DIR)/seeds/.stamp: $(FUZZ_DIR)/make_seeds
	@rm -rf $(dir $@) && mkdir -p $(dir $@) $(FUZZ_DIR)/corpus
	$< $(dir $@)
	@touch $@

fuzz: $(FUZZ_DIR)/fuzz_soh $(FUZZ_DIR)/seeds/.stamp
	$(FUZZ_DIR)/fuzz_soh -max_total_time=$(FUZZ_SECONDS) -max_len=4100 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/crash- $(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds
