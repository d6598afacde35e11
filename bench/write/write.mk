# bench/write: the raw-SQLite ceiling for durable writes (see raw_sqlite.c).
$(BUILD)/bench/raw_sqlite: bench/write/raw_sqlite.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lsqlite3

bench: $(BUILD)/bench/raw_sqlite
