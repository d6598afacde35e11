# bench/geo: geo_locate against a hand-written raw GEOS lookup (see bench_geo.c).
# Included by the main Makefile; run with bench/geo/run.
$(BUILD)/bench/bench_geo: bench/geo/bench_geo.c $(BUILD)/libtongxin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libtongxin.a $(LDFLAGS) $(LDLIBS)
