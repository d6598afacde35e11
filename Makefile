# tongxin — build, test and benchmark.
#   make            build/tongxin
#   make run        install what is missing, build, create tongxin.db with the demo street and its cases, serve :8080
#   make check      every test: unit (cmocka), API (live server), again under ASan+UBSan; ends "N passed, N failed"
#   make bench      benchmarks against their ceilings (nginx, raw SQLite, raw GEOS)
#   make stress     the long tests: 50 crash cycles (SIGKILL under load), disk faults; ends "N passed, N failed"
#   make fuzz       every libFuzzer target (tests/fuzz/) for FUZZ_SECONDS each (default 120)
#   make web        the web app's libraries (Leaflet, uPlot) from node_modules into web/vendor
#   make SANITIZE=address,undefined   a sanitizer build in build/san-address-undefined/

CC ?= cc
comma := ,
SANITIZE ?=
ifeq ($(SANITIZE),)
  BUILD := build
  SANFLAGS :=
  OPT := -O2
else
  BUILD := build/san-$(subst $(comma),-,$(SANITIZE))
  SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT := -O1
endif

PKGS := jansson libsodium sqlite3 openssl libcurl
CFLAGS := -std=gnu17 $(OPT) -g -Wall -Wextra -Werror -Wno-missing-field-initializers \
          -DH2O_USE_LIBUV=0 -Isrc -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(SANFLAGS) $(EXTRA_CFLAGS)
LDLIBS := -lh2o-evloop $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lgeos_c -lz -lpthread -lm
LDFLAGS := $(SANFLAGS)

LIB_SRC := $(sort $(wildcard src/base/*.c src/domain/*.c src/geo/*.c src/demo/*.c src/io/*.c src/store/*.c src/store/sqlite/*.c \
                              src/notify/*.c src/http/*.c src/api/*.c src/cli/*.c))
MAIN_SRC := src/main.c
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o $(BUILD)/obj/gen/holidays.o \
           $(BUILD)/obj/gen/catalogue.o $(BUILD)/obj/gen/lists.o
UNIT_SRC := $(sort $(wildcard tests/unit/*/*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run check bench stress fuzz clean deps unit api web browser
all: $(BUILD)/tongxin

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(dir $@)
	scripts/embed-sql $@ $(MIGRATIONS)

# The 2026 holiday calendar, loaded by tongxin demo.
$(BUILD)/gen/holidays.c: data/cn-public-holidays-2026.csv scripts/embed-text
	@mkdir -p $(dir $@)
	scripts/embed-text $@ demo_holidays_csv $<

# The demo street's case categories and routing rules, loaded by tongxin demo.
$(BUILD)/gen/catalogue.c: data/demo-catalogue.json scripts/embed-text
	@mkdir -p $(dir $@)
	scripts/embed-text $@ demo_catalogue_json $<

# The demo street's three lists and plans, loaded by tongxin demo.
$(BUILD)/gen/lists.c: data/demo-lists.json scripts/embed-text
	@mkdir -p $(dir $@)
	scripts/embed-text $@ demo_lists_json $<

$(BUILD)/obj/gen/lists.o: $(BUILD)/gen/lists.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/catalogue.o: $(BUILD)/gen/catalogue.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/holidays.o: $(BUILD)/gen/holidays.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# V=1 shows the full commands.
V ?= 0
ifeq ($(V),0)
  Q := @
endif

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libtongxin.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tongxin: $(BUILD)/obj/main.o $(BUILD)/libtongxin.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtongxin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libtongxin.a $(LDFLAGS) $(LDLIBS) -lcmocka

deps:
	scripts/install-deps

run: deps all web
	@test -f tongxin.db || $(BUILD)/tongxin demo --db sqlite:tongxin.db --cases
	$(BUILD)/tongxin serve --db sqlite:tongxin.db --listen 127.0.0.1:8080 --web web

unit: $(BUILD)/tongxin $(UNIT_BIN)
	scripts/run-unit $(BUILD)

api: $(BUILD)/tongxin
	scripts/run-api $(BUILD)

browser: $(BUILD)/tongxin web
	scripts/run-browser $(BUILD)

check:
	scripts/check

bench: all
	bench/run-all

stress:
	scripts/stress

fuzz: fuzz-targets
	scripts/fuzz

clean:
	rm -rf build

# The web app's third-party libraries: npm installs them exactly as
# package-lock.json says (scripts/install-deps), make copies what the pages
# load, with the licences, into web/vendor. Nothing is fetched at run time.
WEB_VENDOR := web/vendor/leaflet/leaflet.js web/vendor/leaflet/leaflet.css web/vendor/leaflet/LICENSE \
              web/vendor/uplot/uPlot.iife.min.js web/vendor/uplot/uPlot.min.css web/vendor/uplot/LICENSE
web: $(WEB_VENDOR) web/vendor/leaflet/images/marker-icon.png

node_modules/.package-lock.json: package-lock.json package.json
	scripts/install-deps

web/vendor/leaflet/LICENSE: node_modules/.package-lock.json
	install -D -m 644 node_modules/leaflet/LICENSE $@
web/vendor/leaflet/images/marker-icon.png: node_modules/.package-lock.json
	mkdir -p $(dir $@) && cp node_modules/leaflet/dist/images/*.png $(dir $@)
web/vendor/leaflet/%: node_modules/.package-lock.json
	install -D -m 644 node_modules/leaflet/dist/$* $@
web/vendor/uplot/LICENSE: node_modules/.package-lock.json
	install -D -m 644 node_modules/uplot/LICENSE $@
web/vendor/uplot/%: node_modules/.package-lock.json
	install -D -m 644 node_modules/uplot/dist/$* $@

# Benchmarks add their own build rules (bench/NAME/NAME.mk).
-include $(wildcard bench/*/*.mk)

# The stress tests' tools (make stress-tools: the fault-injection library).
-include tests/stress/stress.mk

# The libFuzzer targets' build rules (make fuzz-targets).
-include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
