# bench/lib.sh: helpers shared by bench/*/run (POSIX sh; sourced, not run).
#
# A run script does:   . "$(dirname "$0")/../lib.sh"; bench_init NAME
# and then uses start_tongxin / start_nginx / run_wrk / rss_kb / summary.
# Everything a benchmark creates lives in one temporary directory ($TMP),
# removed at exit (BENCH_KEEP=1 keeps it). Servers started here are stopped
# at exit by their process id; nothing else is ever signalled.
#
# Environment:
#   DURATION      measured time per case (default 10s; "10", "10s", "1m"); see each run
#   BUILD         build directory holding tongxin (default build)
#   BENCH_SUMMARY file that bench/run-all reads the summary lines from
#   BENCH_KEEP=1  keep the temporary directory (logs, databases, configs)
#   TMPDIR        where the temporary directory is made (default /tmp); put it
#                 on the disk you want the durable-write figures for

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
TX=$BUILD/tongxin
DURATION=${DURATION:-10s}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNS=${WRK_CONNS:-64}
TX_PID=
NGINX_PID=
TMP=
BENCH_NAME=

say() { printf '%s\n' "$*"; }
die() {
    printf '%s: FAILED: %s\n' "${BENCH_NAME:-bench}" "$*" >&2
    exit 1
}

# DURATION in whole seconds (for sampling loops and rates).
duration_secs() {
    case $DURATION in
    *[!0-9smh]* | '' | s | m | h) die "DURATION must look like 10, 10s, 2m (is '$DURATION')" ;;
    *s) echo "${DURATION%s}" ;;
    *m) echo $((${DURATION%m} * 60)) ;;
    *h) echo $((${DURATION%h} * 3600)) ;;
    *) echo "$DURATION" ;;
    esac
}

bench_cleanup() {
    rc=$?
    trap - EXIT INT TERM
    if [ -n "$TX_PID" ] && kill -0 "$TX_PID" 2>/dev/null; then
        kill -TERM "$TX_PID" 2>/dev/null
        wait "$TX_PID" 2>/dev/null
    fi
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null
        wait "$NGINX_PID" 2>/dev/null
    fi
    if [ -n "$TMP" ] && [ -d "$TMP" ]; then
        if [ "${BENCH_KEEP:-0}" = 1 ] || [ "$rc" != 0 ]; then
            say "($BENCH_NAME: temporary files kept in $TMP)" >&2
        else
            rm -rf "$TMP"
        fi
    fi
    exit "$rc"
}

bench_init() {
    BENCH_NAME=$1
    duration_secs >/dev/null
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/tongxin-bench-$1.XXXXXX") || die "cannot make a temporary directory"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

need_tool() {
    command -v "$1" >/dev/null 2>&1 ||
        die "'$1' is not installed: apt-get install -y ${2:-$1} (scripts/install-deps lists it too)"
}

need_tongxin() {
    [ -x "$TX" ] || die "$TX is missing: run 'make' (or 'make bench') first"
}

# A TCP port nobody listens on (IPv4 or IPv6). tongxin binds with
# SO_REUSEPORT, so a port already held by another tongxin would be shared
# silently: make sure it is free.
free_port() {
    for _try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 + 20000 ))
        hex=$(printf '%04X' "$p")
        if ! awk -v h=":$hex" 'NR > 1 && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' \
            /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free TCP port found"
}

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# Sum of VmRSS of a process and its children (nginx master + workers).
rss_tree_kb() {
    total=$(rss_kb "$1")
    for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
        total=$((total + $(rss_kb "$c")))
    done
    echo "$total"
}

# thread_cpu PID: "name ticks" per thread name (utime + stime, clock ticks),
# summed over threads of the same name (tongxin's loop threads share the
# main thread's name; the store's are tx-writer and tx-reader).
thread_cpu() {
    for t in /proc/"$1"/task/*; do
        [ -r "$t/stat" ] || continue
        printf '%s %s\n' "$(cat "$t/comm" 2>/dev/null)" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
    done | awk 'NF == 2 { s[$1] += $2 } END { for (n in s) print n, s[n] }' | sort
}

# cpu_report BEFORE AFTER SECONDS: per thread name, % of one core used.
cpu_report() {
    awk -v secs="$3" -v hz="$(getconf CLK_TCK)" '
        NR == FNR { b[$1] = $2; next }
        { d = $2 - b[$1]; if (d > 0) out = out sprintf("%s%s %.0f%%", sep, $1, 100 * d / hz / secs); sep = ", " }
        END { print out }' "$1" "$2"
}

# thread_sched PID: "name cpu_ns wait_ns" per thread name (summed), from
# /proc/PID/task/*/schedstat: time on a CPU, and time runnable but waiting
# for one (on a busy 2-core machine a thread can wait as long as it runs).
thread_sched() {
    for t in /proc/"$1"/task/*; do
        [ -r "$t/schedstat" ] || continue
        printf '%s %s\n' "$(cat "$t/comm" 2>/dev/null)" "$(cut -d ' ' -f 1-2 "$t/schedstat" 2>/dev/null)"
    done | awk 'NF == 3 { c[$1] += $2; w[$1] += $3 } END { for (n in c) print n, c[n], w[n] }' | sort
}

# sched_report BEFORE AFTER SECONDS [NAME]: per thread name (or NAME only),
# "% of the run on a CPU / waiting for a CPU" (of one core).
sched_report() {
    awk -v secs="$3" -v only="${4:-}" '
        NR == FNR { c[$1] = $2; w[$1] = $3; next }
        only == "" || $1 == only {
            dc = ($2 - c[$1]) / 1e9 / secs * 100; dw = ($3 - w[$1]) / 1e9 / secs * 100
            if (dc + dw >= 0.5) { out = out sprintf("%s%s %.0f%% on a CPU, %.0f%% waiting for one", sep, $1, dc, dw); sep = "; " }
        }
        END { print out }' "$1" "$2"
}

machine_line() {
    printf 'machine: %s cores, %s, Linux %s; load average before the run %s\n' "$(nproc)" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(uname -r)" "$(cut -d ' ' -f 1-3 /proc/loadavg)"
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" 2>/dev/null || true; }

# start_tongxin DB_PATH PORT [SERVE_OPTIONS...]: serve, wait until /healthz
# answers 200.
start_tongxin() {
    need_tongxin
    _db=$1
    TX_PORT=$2
    shift 2
    "$TX" serve --db "sqlite:$_db" --listen "127.0.0.1:$TX_PORT" --threads 2 --quiet "$@" >"$TMP/tongxin.log" 2>&1 &
    TX_PID=$!
    i=0
    while :; do
        if ! kill -0 "$TX_PID" 2>/dev/null; then
            wait "$TX_PID" 2>/dev/null
            st=$?
            TX_PID=
            tail -n 20 "$TMP/tongxin.log" >&2
            die "tongxin exited (status $st) before it answered /healthz"
        fi
        [ "$(http_status "http://127.0.0.1:$TX_PORT/healthz")" = 200 ] && break
        i=$((i + 1))
        [ $i -ge 100 ] && die "tongxin did not answer /healthz within 10 s (log: $TMP/tongxin.log)"
        sleep 0.1
    done
    TX_URL=http://127.0.0.1:$TX_PORT
}

tongxin_alive() {
    [ -n "$TX_PID" ] && kill -0 "$TX_PID" 2>/dev/null && return 0
    wait "$TX_PID" 2>/dev/null
    st=$?
    TX_PID=
    tail -n 20 "$TMP/tongxin.log" >&2
    if [ "$st" = 0 ] && grep -q '"stopping' "$TMP/tongxin.log"; then
        die "tongxin was stopped during the benchmark by a SIGTERM/SIGINT from outside it"
    fi
    die "tongxin died during the benchmark (exit status $st; 134 = abort, 139 = segfault)"
}

# SIGTERM, then it must exit 0 within 20 s (it drains the writer first).
stop_tongxin() {
    [ -n "$TX_PID" ] || return 0
    kill -TERM "$TX_PID" 2>/dev/null
    i=0
    while kill -0 "$TX_PID" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -ge 200 ]; then
            kill -KILL "$TX_PID" 2>/dev/null
            TX_PID=
            die "tongxin did not stop within 20 s of SIGTERM"
        fi
        sleep 0.1
    done
    wait "$TX_PID" 2>/dev/null
    st=$?
    TX_PID=
    [ "$st" = 0 ] || { tail -n 20 "$TMP/tongxin.log" >&2; die "tongxin exited with status $st on SIGTERM"; }
}

# start_nginx ROOT PORT EXTRA [PORT2 EXTRA2]: nginx in the foreground
# (daemon off), everything under $TMP/nginx, 2 workers like tongxin's 2
# loops, serving ROOT on 127.0.0.1:PORT (and on PORT2, when given, with other
# per-server directives). Tuned as a ceiling: no access log, open-file cache,
# sendfile off (for bodies this small one writev beats writev + sendfile:
# measured 61k vs 47k req/s here), keep-alive without a request limit.
# Sets NG_URL (and NG_URL2).
start_nginx() {
    need_tool nginx nginx-light
    nd=$TMP/nginx
    mkdir -p "$nd/tmp" "$nd/logs"
    # Run as root, nginx's workers drop to an unprivileged user: let them
    # reach the web root (mktemp made $TMP private).
    chmod 711 "$TMP"
    chmod -R a+rX "$1"
    servers="
    server {
        listen 127.0.0.1:$2 reuseport;
        root $1;
        ${3:-}
    }"
    [ -n "${4:-}" ] && servers="$servers
    server {
        listen 127.0.0.1:$4 reuseport;
        root $1;
        ${5:-}
    }"
    cat >"$nd/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
pid $nd/nginx.pid;
error_log $nd/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $nd/tmp/body;
    proxy_temp_path $nd/tmp/proxy;
    fastcgi_temp_path $nd/tmp/fastcgi;
    uwsgi_temp_path $nd/tmp/uwsgi;
    scgi_temp_path $nd/tmp/scgi;
    types { }
    default_type application/json;
    charset off;
    sendfile off;
    tcp_nodelay on;
    open_file_cache max=64 inactive=60s;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    server_tokens off;
$servers
}
EOF
    nginx -p "$nd" -c "$nd/nginx.conf" -e "$nd/logs/error.log" -t >"$nd/logs/test.log" 2>&1 ||
        { cat "$nd/logs/test.log" >&2; die "nginx rejected its configuration"; }
    nginx -p "$nd" -c "$nd/nginx.conf" -e "$nd/logs/error.log" >"$nd/logs/stdout.log" 2>&1 &
    NGINX_PID=$!
    NG_URL=http://127.0.0.1:$2
    NG_URL2=${4:+http://127.0.0.1:$4}
    i=0
    while :; do
        kill -0 "$NGINX_PID" 2>/dev/null ||
            { NGINX_PID=; cat "$nd/logs/error.log" >&2; die "nginx exited at start"; }
        if [ "$(http_status "$NG_URL/")" != 000 ]; then
            [ -z "$NG_URL2" ] || [ "$(http_status "$NG_URL2/")" != 000 ] && break
        fi
        i=$((i + 1))
        [ $i -ge 100 ] && die "nginx did not answer within 10 s"
        sleep 0.1
    done
}

stop_nginx() {
    [ -n "$NGINX_PID" ] || return 0
    kill -QUIT "$NGINX_PID" 2>/dev/null # graceful stop
    wait "$NGINX_PID" 2>/dev/null
    NGINX_PID=
}

# run_wrk LABEL DURATION URL [SCRIPT [SCRIPT_ARGS...]]: wrk with the Lua
# SCRIPT (default bench/stats.lua; it must print a WRKSTATS line in done()),
# WRK_THREADS threads, WRK_CONNS connections, WRK_TIMEOUT (default 10s).
# Sets W_REQS W_RPS W_P50_MS W_P99_MS W_ERRS W_ERRDETAIL, WS_<field> for each
# WRKSTATS field, and W_RSS_MAX_KB (max VmRSS of $RSS_PID during the run).
run_wrk() {
    label=$1 dur=$2 url=$3
    script=${4:-$ROOT/bench/stats.lua}
    shift 3
    [ $# -gt 0 ] && shift
    out=$TMP/wrk-$label.txt
    wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$dur" --timeout "${WRK_TIMEOUT:-10s}" -s "$script" "$url" ${1:+--} "$@" >"$out" 2>&1 &
    wpid=$!
    W_RSS_MAX_KB=0
    while kill -0 "$wpid" 2>/dev/null; do
        if [ -n "${RSS_PID:-}" ]; then
            r=$(rss_kb "$RSS_PID")
            [ "${r:-0}" -gt "$W_RSS_MAX_KB" ] && W_RSS_MAX_KB=$r
        fi
        sleep 0.25
    done
    wait "$wpid"
    wrc=$?
    line=$(grep '^WRKSTATS ' "$out" | tail -n 1)
    if [ "$wrc" != 0 ] || [ -z "$line" ]; then
        cat "$out" >&2
        case $url in "${TX_URL:-none}"*) tongxin_alive ;; esac
        die "wrk failed ($label, exit $wrc)"
    fi
    eval "$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^\([a-z0-9_]*\)=\([0-9.]*\)$/WS_\1=\2/p')"
    W_REQS=$WS_requests
    W_RPS=$(awk -v n="$WS_requests" -v us="$WS_duration_us" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
    W_P50_MS=$(awk -v us="$WS_p50_us" 'BEGIN { printf "%.2f", us / 1000 }')
    W_P99_MS=$(awk -v us="$WS_p99_us" 'BEGIN { printf "%.2f", us / 1000 }')
    W_ERRS=$((WS_connect + WS_read + WS_write + WS_status + WS_timeout))
    W_ERRDETAIL="connect $WS_connect, read $WS_read, write $WS_write, status>=400 $WS_status, timeout $WS_timeout"
}

# ratio A B -> A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
# meets VALUE TARGET -> "ok" / "BELOW TARGET"
meets() { awk -v a="$1" -v t="$2" 'BEGIN { print (a != "n/a" && a + 0 >= t + 0) ? "ok" : "BELOW TARGET" }'; }

# A line for bench/run-all's summary (also printed here).
summary() {
    say "$*"
    [ -n "${BENCH_SUMMARY:-}" ] && printf '%s: %s\n' "$BENCH_NAME" "$*" >>"$BENCH_SUMMARY"
    return 0
}

# Optional profile (BENCH_PERF=1, needs perf from linux-perf): perf_start PID
# LABEL SECONDS samples PID (every thread, DWARF call graphs) in the
# background, starting a second from now; perf_report LABEL waits for it and
# prints the share of samples by thread and the functions of tongxin (and
# the libraries it calls) with the largest inclusive share. Does nothing
# without BENCH_PERF=1.
PERF_PID=
perf_start() {
    [ "${BENCH_PERF:-0}" = 1 ] || return 0
    command -v perf >/dev/null 2>&1 || { say "note: BENCH_PERF=1 but perf is not installed (apt-get install linux-perf)"; return 0; }
    (sleep 1; exec perf record -q -F 499 --call-graph dwarf,16384 -p "$1" -o "$TMP/perf-$2.data" -- sleep "$3") \
        >"$TMP/perf-$2.log" 2>&1 &
    PERF_PID=$!
}
perf_report() {
    [ -n "$PERF_PID" ] || return 0
    wait "$PERF_PID" 2>/dev/null
    PERF_PID=
    [ -s "$TMP/perf-$1.data" ] || { say "note: perf recorded nothing ($TMP/perf-$1.log)"; return 0; }
    say "profile ($1): share of samples by thread"
    perf report -i "$TMP/perf-$1.data" --no-children --sort comm --stdio -g none 2>/dev/null |
        grep -E '^ +[0-9]' | head -n 8 | sed 's/^ */  /'
    say "profile ($1): functions by inclusive share (tongxin and the libraries it calls; kernel time is in the parents)"
    perf report -i "$TMP/perf-$1.data" --children --sort sym --stdio -g none 2>/dev/null |
        grep -E '^ +[0-9]' | grep -v '\[k\]' | grep -v '0x0000' | head -n "${PERF_TOP:-30}" | sed 's/^ */  /'
}
