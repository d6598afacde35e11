# bench/match: matching needs to resources with the index vs a full scan (see match.c).
$(BUILD)/bench/match: bench/match/match.c $(BUILD)/libtongxin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libtongxin.a $(LDFLAGS) -lm

bench: $(BUILD)/bench/match
