# The stress tests' build rules (included by the Makefile).
#   make stress-tools   the fault-injection library the fault tests preload
#
# faultfs.so is built without the sanitizers even in a sanitizer build: it
# is preloaded into the server, ahead of the sanitizer runtime, and only
# forwards calls.
.PHONY: stress-tools
stress-tools: $(BUILD)/stress/faultfs.so

$(BUILD)/stress/faultfs.so: tests/stress/faultfs.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
