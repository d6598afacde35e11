# fuzz.mk: the libFuzzer targets of tests/fuzz/ (included by the Makefile).
#
#   make fuzz-targets   build build/fuzz/bin/<target> for every tests/fuzz/<target>.c
#   make fuzz           build them and run each for FUZZ_SECONDS (scripts/fuzz)
#
# The project's sources are compiled again with clang into build/fuzz/obj,
# instrumented for coverage (-fsanitize=fuzzer-no-link) and checked by ASan
# and UBSan, whatever SANITIZE says: a finding must stop the run, so UBSan
# does not recover. Only the harnesses link libFuzzer's main
# (-fsanitize=fuzzer). The generated sources (embedded migrations, demo
# data) are the normal build's, $(BUILD)/gen, compiled again here.

FUZZ_CC := clang
FUZZ_BUILD := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu17 -O1 -g -Wall -Wextra -Werror -Wno-missing-field-initializers -DH2O_USE_LIBUV=0 -Isrc \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(FUZZ_SAN)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/bin/%)
FUZZ_LIB_OBJ := $(LIB_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o) \
                $(patsubst %,$(FUZZ_BUILD)/obj/gen/%.o,migrations holidays catalogue lists)

.PHONY: fuzz-targets
fuzz-targets: $(FUZZ_BIN)

$(FUZZ_BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libtongxin.a: $(FUZZ_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/bin/%: tests/fuzz/%.c $(FUZZ_BUILD)/libtongxin.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_BUILD)/libtongxin.a $(LDLIBS)

-include $(shell find $(FUZZ_BUILD)/obj $(FUZZ_BUILD)/bin -name '*.d' 2>/dev/null)
