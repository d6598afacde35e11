# shellcheck shell=bash
# lib-server.sh: helpers for test harnesses that run a live tongxin server
# (scripts/run-api; later the browser tests). Source it from bash:
#
#   . scripts/lib-server.sh
#   tx_sanitizer_env "$BUILD"          # ASan/UBSan options for a sanitizer build
#   tx_fresh_db "$BIN" "$DIR"          # sets TX_DB (a path), TX_DEMO (0/1)
#   tx_fixtures_begin "$DIR/fixtures.json"
#   tx_fx_user alice resident          # prints nothing; password in the JSON
#   tx_fx_apikey client                # sets TX_LAST_KEY, TX_LAST_KEY_ID
#   tx_fixtures_end
#   tx_start_server "$BIN" "$TX_DB" "$LOG" [extra serve options]   # sets TX_PID, TX_PORT, TX_URL
#   tx_stop_server                     # SIGTERM; returns 0 when it exited 0 in time
#
# Every function returns non-zero (and says why on stderr) when it fails.

# Hang guards, not performance limits: generous so that a slow (sanitizer)
# build on a busy machine never trips them.
TX_START_WAIT_S=${TX_START_WAIT_S:-60}
TX_STOP_WAIT_S=${TX_STOP_WAIT_S:-30}

# Options for binaries of a sanitizer build (build/san-*): leaks are errors,
# UBSan stops at the first report and shows where.
#
# One LeakSanitizer suppression: libh2o 2.2 keeps freed memory-pool chunks
# and socket buffers in per-thread recycle lists (h2o_mem_alloc_recycle) that
# no API of that version empties, so they show up as leaks when an event-loop
# thread exits. Nothing else is suppressed.
tx_sanitizer_env() {
    case $(basename "$1") in
    san-*)
        # (Not in the build folder: a comma in its path would end the option.)
        local supp
        supp=${TMPDIR:-/tmp}/tongxin-lsan-$(id -u).supp
        printf '%s\n' '# written by scripts/lib-server.sh (tx_sanitizer_env)' 'leak:h2o_mem_alloc_recycle' >"$supp.$$" &&
            mv -f "$supp.$$" "$supp"
        export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1}
        export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
        export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$supp:print_suppressions=0}
        ;;
    esac
}

# The SANITIZE= value that builds into BUILD_DIR (build -> "", build/san-a-b -> a,b).
tx_sanitize_of() {
    local b
    b=$(basename "$1")
    case $b in
    san-*) b=${b#san-}; b=${b%-}; echo "${b//-/,}" ;;
    *) echo "" ;;
    esac
}

# A free TCP port on 127.0.0.1 (the kernel's choice).
tx_free_port() {
    if command -v node >/dev/null 2>&1; then
        node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
    else
        python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
    fi
}

# Does this binary have a working 'demo' command that takes --db? (Until it
# lands, 'tongxin demo' is a stub that ignores its options and prints nothing.)
# Runs in DIR (default: a scratch folder), in case it writes anything there.
tx_has_demo() {
    local out dir=${2-}
    [ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/tongxin-demo.XXXXXX") || return 1
    out=$(cd "$dir" && "$1" demo --help 2>/dev/null </dev/null) || { [ -n "${2-}" ] || rm -rf "$dir"; return 1; }
    [ -n "${2-}" ] || rm -rf "$dir"
    case $out in *--db*) return 0 ;; esac
    return 1
}

# Create a fresh database in DIR: the demo street when 'tongxin demo' is
# available, else an empty schema. Sets TX_DB and TX_DEMO. TX_DEMO_ARGS
# (words) are added to 'tongxin demo', e.g. --cases (scripts/run-browser).
tx_fresh_db() {
    local bin=$1 dir=$2
    local has_demo=0
    tx_has_demo "$bin" "$dir" && has_demo=1
    TX_DB=$dir/tongxin.db
    rm -f "$TX_DB" "$TX_DB-wal" "$TX_DB-shm"
    TX_DEMO=0
    if [ "$has_demo" = 1 ]; then
        # shellcheck disable=SC2086 # TX_DEMO_ARGS is words
        if (cd "$dir" && "$bin" demo --db "sqlite:$TX_DB" ${TX_DEMO_ARGS:-}) >"$dir/demo.log" 2>&1 && [ -f "$TX_DB" ]; then
            TX_DEMO=1
            return 0
        fi
        echo "tx_fresh_db: 'tongxin demo' failed; its output:" >&2
        tail -n 20 "$dir/demo.log" >&2
        return 1
    fi
    if ! (cd "$dir" && "$bin" init --db "sqlite:$TX_DB") >"$dir/init.log" 2>&1; then
        echo "tx_fresh_db: 'tongxin init' failed; its output:" >&2
        tail -n 20 "$dir/init.log" >&2
        return 1
    fi
}

# ---- fixtures: accounts and keys made through the CLI, recorded as JSON ----

_tx_json_str() { # a JSON string literal (or null for an empty argument)
    if [ -z "${1-}" ]; then
        printf 'null'
        return
    fi
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$s"
}

tx_fixtures_begin() {
    TX_FIXTURES=$1
    _TX_FX_USERS=()
    _TX_FX_KEYS=()
}

_tx_password() { # 20 URL-safe random characters
    head -c 15 /dev/urandom | base64 | tr '+/' '-_'
}

# tx_fx_user LOGIN ROLE [SCOPE]: add a user with a random password.
tx_fx_user() {
    local login=$1 role=$2 scope=${3-} pw out
    pw=$(_tx_password)
    local args=(user add --login "$login" --role "$role" --password-stdin --db "sqlite:$TX_DB")
    [ -n "$scope" ] && args+=(--scope "$scope")
    if ! out=$(printf '%s\n' "$pw" | "$TX_BIN" "${args[@]}" 2>&1); then
        echo "tx_fx_user: tongxin ${args[*]} failed: $out" >&2
        return 1
    fi
    _TX_FX_USERS+=("$(_tx_json_str "$login"):{\"login\":$(_tx_json_str "$login"),\"role\":$(_tx_json_str "$role"),\"scope\":$(_tx_json_str "$scope"),\"password\":$(_tx_json_str "$pw")}")
}

# tx_fx_apikey NAME [ROLE SCOPE]: create an API key; sets TX_LAST_KEY and TX_LAST_KEY_ID.
tx_fx_apikey() {
    local name=$1 role=${2-} scope=${3-} out
    local args=(apikey create --name "$name" --db "sqlite:$TX_DB")
    [ -n "$role" ] && args+=(--role "$role")
    [ -n "$scope" ] && args+=(--scope "$scope")
    if ! out=$("$TX_BIN" "${args[@]}" 2>/dev/null); then
        echo "tx_fx_apikey: tongxin ${args[*]} failed" >&2
        return 1
    fi
    TX_LAST_KEY=$(printf '%s\n' "$out" | tail -n 1)
    TX_LAST_KEY_ID=$(printf '%s\n' "$out" | sed -n 's/^API key \([0-9][0-9]*\) .*/\1/p' | head -n 1)
    _TX_FX_KEYS+=("$(_tx_json_str "$name"):{\"name\":$(_tx_json_str "$name"),\"role\":$(_tx_json_str "${role:-api_client}"),\"scope\":$(_tx_json_str "$scope"),\"id\":${TX_LAST_KEY_ID:-null},\"key\":$(_tx_json_str "$TX_LAST_KEY")}")
}

tx_fixtures_end() {
    local IFS=,
    printf '{"demo":%s,"users":{%s},"api_keys":{%s}}\n' "$([ "${TX_DEMO:-0}" = 1 ] && echo true || echo false)" \
        "${_TX_FX_USERS[*]}" "${_TX_FX_KEYS[*]}" >"$TX_FIXTURES"
}

# ---- the server ----

# tx_start_server BIN DB LOG [serve options...]: start 'tongxin serve' on a
# free loopback port and wait until /healthz answers. Sets TX_PID, TX_PORT, TX_URL.
tx_start_server() {
    local bin=$1 db=$2 log=$3 _
    shift 3
    TX_PID=
    for _ in 1 2 3; do
        TX_PORT=$(tx_free_port) || return 1
        TX_URL=http://127.0.0.1:$TX_PORT
        "$bin" serve --db "sqlite:$db" --listen "127.0.0.1:$TX_PORT" --threads 2 "$@" >>"$log" 2>&1 </dev/null &
        TX_PID=$!
        local waited=0
        while :; do
            if ! kill -0 "$TX_PID" 2>/dev/null; then
                wait "$TX_PID" 2>/dev/null
                echo "tx_start_server: the server exited at start (status $?)" >&2
                TX_PID=
                break
            fi
            if curl -sf -o /dev/null --max-time 5 "$TX_URL/healthz"; then
                return 0
            fi
            if [ "$waited" -ge $((TX_START_WAIT_S * 10)) ]; then
                echo "tx_start_server: no answer on $TX_URL/healthz after ${TX_START_WAIT_S}s" >&2
                kill -KILL "$TX_PID" 2>/dev/null
                wait "$TX_PID" 2>/dev/null
                TX_PID=
                return 1
            fi
            sleep 0.1
            waited=$((waited + 1))
        done
        # It exited at start: perhaps the port was taken meanwhile; try another.
    done
    return 1
}

# tx_stop_server: SIGTERM, then wait for the exit. Returns 0 when it exited
# with status 0; prints why otherwise. Sets TX_EXIT.
tx_stop_server() {
    TX_EXIT=
    [ -n "${TX_PID:-}" ] || return 1
    kill -TERM "$TX_PID" 2>/dev/null
    local waited=0
    while kill -0 "$TX_PID" 2>/dev/null; do
        # A zombie still answers kill -0 until it is reaped: check its state.
        local stat
        stat=$(cat "/proc/$TX_PID/stat" 2>/dev/null) || break
        stat=${stat##*) }
        [ "${stat%% *}" = Z ] && break
        if [ "$waited" -ge $((TX_STOP_WAIT_S * 10)) ]; then
            echo "tx_stop_server: still running ${TX_STOP_WAIT_S}s after SIGTERM; killing it" >&2
            kill -KILL "$TX_PID" 2>/dev/null
            wait "$TX_PID" 2>/dev/null
            TX_PID=
            TX_EXIT=killed
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    wait "$TX_PID" 2>/dev/null
    TX_EXIT=$?
    TX_PID=
    if [ "$TX_EXIT" -ne 0 ]; then
        echo "tx_stop_server: the server exited with status $TX_EXIT after SIGTERM" >&2
        return 1
    fi
    return 0
}
