# bench/queries: the 10-million-case generator and the raw-SQLite ceiling for
# the case queries (see gen_cases.c, raw_queries.c). Included by the main
# Makefile; run with bench/queries/run.
$(BUILD)/bench/gen_cases: bench/queries/gen_cases.c bench/areas.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lsqlite3 -ljansson

bench: $(BUILD)/bench/gen_cases

$(BUILD)/bench/raw_queries: bench/queries/raw_queries.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lsqlite3 -lpthread

bench: $(BUILD)/bench/raw_queries
