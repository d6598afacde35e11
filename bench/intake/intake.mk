# bench/intake: the raw-SQLite ceiling for report intake and the point
# sampler (see intake_raw.c). Included by the main Makefile; run with
# bench/intake/run.
$(BUILD)/bench/intake_raw: bench/intake/intake_raw.c bench/areas.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lsqlite3 -ljansson

bench: $(BUILD)/bench/intake_raw
