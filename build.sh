#!/usr/bin/env bash
# Waymark's one build script.
#
#   ./build.sh [build]   install what is missing, build the runtime and editor to wasm
#                        (`cargo xtask dist`, into www/) and the server binary
#   ./build.sh serve     build, then run the demo server (http://127.0.0.1:8080/demo/)
#   ./build.sh test      every check: fmt, clippy, native tests, wasm builds, the
#                        runtime's browser tests, guide validation, the e2e suite;
#                        `./build.sh test static|native|browser|e2e [SPEC...]` one stage
#   ./build.sh bench     build, then print transfer sizes (gzipped glue + wasm), time
#                        the runtime in Chromium and run the server's event-ingest
#                        benchmark (BENCHMARKS.md); `./build.sh bench faults` counts
#                        tickets in a real RT through a slow start, a 10-minute outage
#                        and 1,000 tickets filed during one (about 25 minutes)
#
# Safe to run twice: each tool is installed only when missing. Tools that are not
# Rust crates live in the project (.tools/ and node_modules/), never globally via npm.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD

# xtask/src/main.rs checks wasm-opt's major version (BINARYEN_MAJOR) against this.
BINARYEN_VERSION=132.0.0
WASM_TARGET=wasm32-unknown-unknown
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

export PATH="$ROOT/.tools/node_modules/.bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
RUSTFMT_COLOR=auto
if [[ -n "${CI:-}" ]]; then
    export CARGO_TERM_COLOR=never
    RUSTFMT_COLOR=never
fi

STAGE=setup
SERVER_PID=
SERVER_LOG=

stage() {
    STAGE=$1
    printf '\n==> %s\n' "$STAGE"
}

die() {
    printf 'build.sh: %s\n' "$*" >&2
    exit 1
}

on_exit() {
    local rc=$?
    stop_server
    stop_postgres
    stop_rt
    if [[ $rc -ne 0 ]]; then
        printf '\nbuild.sh: FAILED at stage "%s" (exit %d)\n' "$STAGE" "$rc" >&2
    fi
}
trap on_exit EXIT

# --- installs (each only when missing) ---------------------------------------------

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

APT_UPDATED=
apt_install() {
    if [[ -z $APT_UPDATED ]]; then
        as_root apt-get update -q
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

ensure_rust() {
    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup"
    if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
        rustup target add "$WASM_TARGET"
    fi
    local installed
    installed=$(rustup component list --installed)
    for component in rustfmt clippy; do
        if ! grep -q "^$component" <<<"$installed"; then
            rustup component add "$component"
        fi
    done
}

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version() {
    [[ -f Cargo.lock ]] || cargo generate-lockfile
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

ensure_wasm_bindgen() {
    local want have=
    want=$(wasm_bindgen_version)
    [[ -n $want ]] || die "no wasm-bindgen in Cargo.lock"
    if command -v wasm-bindgen >/dev/null; then
        have=$(wasm-bindgen --version | awk '{ print $2 }')
    fi
    if [[ $have != "$want" ]] || ! command -v wasm-bindgen-test-runner >/dev/null; then
        echo "installing wasm-bindgen-cli $want (found: ${have:-none})"
        # Not --locked: the locked set names a version the registry mirror lacks.
        cargo install wasm-bindgen-cli --version "$want"
    fi
}

ensure_node() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        apt_install nodejs npm
    fi
}

# Debian's binaryen is too old to read yew's output; npm's is current.
ensure_binaryen() {
    ensure_node
    if [[ -x .tools/node_modules/.bin/wasm-opt ]] &&
        .tools/node_modules/.bin/wasm-opt --version | grep -q "version ${BINARYEN_VERSION%%.*}"; then
        return
    fi
    mkdir -p .tools
    npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund \
        "binaryen@$BINARYEN_VERSION"
}

ensure_chromium() {
    if [[ ! -x $CHROMIUM || ! -x $CHROMEDRIVER ]]; then
        apt_install chromium chromium-driver
    fi
}

# Node packages of the e2e suite, from the committed package-lock.json.
ensure_node_modules() {
    ensure_node
    if [[ ! -f node_modules/.package-lock.json ||
        package-lock.json -nt node_modules/.package-lock.json ||
        package.json -nt node_modules/.package-lock.json ]]; then
        npm ci --no-audit --no-fund
    fi
}

install_build_tools() {
    stage "install build tools"
    ensure_rust
    ensure_wasm_bindgen
    ensure_binaryen
    ensure_node_modules
}

install_test_tools() {
    install_build_tools
    stage "install test tools"
    ensure_chromium
    command -v curl >/dev/null || apt_install curl
    ensure_node_modules
}

# --- PostgreSQL for the server's tests ----------------------------------------------

PG_DIR=
PG_BIN=

# Debian's PostgreSQL, installed when no initdb is found.
ensure_postgres() {
    find_pg_bin || apt_install postgresql
    find_pg_bin || die "PostgreSQL is installed but no initdb was found under /usr/lib/postgresql"
}

find_pg_bin() {
    local bin
    PG_BIN=
    for bin in /usr/lib/postgresql/*/bin; do
        [[ -x $bin/initdb && -x $bin/pg_ctl ]] && PG_BIN=$bin
    done
    [[ -n $PG_BIN ]]
}

# PostgreSQL refuses to run as root: run its programs as the postgres user then.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A private cluster on 127.0.0.1 in a temporary folder, stopped on exit. Exports
# WAYMARK_TEST_POSTGRES_URL, where the server's tests create a database per test.
start_postgres() {
    local port
    stage "PostgreSQL for the server tests (private cluster on loopback)"
    ensure_postgres
    PG_DIR=$(mktemp -d -t waymark-pg.XXXXXX)
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$PG_DIR"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    for port in $(shuf -i 20000-60000 -n 20); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=300" start >/dev/null ||
        { cat "$PG_DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
    WAYMARK_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
    export WAYMARK_TEST_POSTGRES_URL
    echo "PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{ print $3 }') at $WAYMARK_TEST_POSTGRES_URL"
}

stop_postgres() {
    if [[ -n $PG_DIR ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
        PG_DIR=
    fi
}

# A private Request Tracker 5 (the real help desk the tests file tickets in), on a
# free loopback port in a temporary folder; scripts/rt.sh installs it when missing.
# Exports WAYMARK_RT_URL and WAYMARK_RT_DIR for the server's tests and the e2e suite.
RT_DIR=
start_rt() {
    local port
    stage "Request Tracker 5 for the ticket tests (private instance on loopback)"
    for port in $(shuf -i 20000-60000 -n 20); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    RT_DIR=$(mktemp -d -t waymark-rt.XXXXXX)
    WAYMARK_RT_URL=$(scripts/rt.sh start "$RT_DIR" "$port")
    WAYMARK_RT_DIR=$RT_DIR
    export WAYMARK_RT_URL WAYMARK_RT_DIR
    echo "Request Tracker at $WAYMARK_RT_URL"
    warm_rt
}

# RT's first ticket after a start compiles much of RT (over 20 s on a loaded
# machine): file one throwaway ticket and wait for it before the tests run.
warm_rt() {
    scripts/rt.sh warm "$RT_DIR" || die "Request Tracker did not take its warm-up ticket"
}

stop_rt() {
    if [[ -n $RT_DIR ]]; then
        scripts/rt.sh stop "$RT_DIR" || true
        rm -rf "$RT_DIR"
        RT_DIR=
    fi
}

# --- builds ------------------------------------------------------------------------

# The runtime and the editor to wasm, into www/sdk/ and www/editor/pkg/, and the
# Brotli and gzip copies of every asset the server sends: cargo, wasm-bindgen, the
# wasm-opt size passes, short import/export names, the loader, terser and
# scripts/precompress.mjs, each step checked (xtask/src/main.rs).
build_wasm_all() {
    stage "wasm pipeline (cargo xtask dist --release)"
    cargo xtask dist --release
}

build_server_release() {
    stage "build server (release)"
    cargo build --release -p waymark-server
}

# --- the e2e server ----------------------------------------------------------------

# start_server BINARY: runs the server on a free loopback port and waits for /healthz.
# Sets WAYMARK_URL.
start_server() {
    local binary=$1 url= i
    SERVER_LOG=$(mktemp -t waymark-server.XXXXXX)
    # A fresh database per run, and an admin token the e2e tests can use.
    SERVER_DB_DIR=$(mktemp -d -t waymark-e2e-db.XXXXXX)
    WAYMARK_ADMIN_TOKEN=${WAYMARK_ADMIN_TOKEN:-wmk_e2e_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
    export WAYMARK_ADMIN_TOKEN
    # Specs that start a server of their own (a real help desk) or fill this one's
    # database (demo data) use the same binary and database.
    WAYMARK_BIN=$ROOT/$binary
    WAYMARK_E2E_DATABASE_URL="sqlite://$SERVER_DB_DIR/waymark.db"
    export WAYMARK_BIN WAYMARK_E2E_DATABASE_URL
    WAYMARK_DATABASE_URL=$WAYMARK_E2E_DATABASE_URL \
        "$binary" serve --addr 127.0.0.1:0 --www www --guides guides >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    for i in $(seq 1 100); do
        url=$(sed -n 's|^Waymark demo: \(http://[^/]*\)/demo/$|\1|p' "$SERVER_LOG")
        [[ -n $url ]] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n $url ]] || { cat "$SERVER_LOG" >&2; die "the server did not start"; }
    for i in $(seq 1 100); do
        if curl -fsS "$url/healthz" >/dev/null 2>&1; then
            WAYMARK_URL=$url
            export WAYMARK_URL
            echo "server up at $WAYMARK_URL (pid $SERVER_PID, log $SERVER_LOG)"
            return
        fi
        sleep 0.1
    done
    cat "$SERVER_LOG" >&2
    die "the server did not answer $url/healthz"
}

stop_server() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
    if [[ -n ${SERVER_DB_DIR:-} ]]; then
        rm -rf "$SERVER_DB_DIR"
        SERVER_DB_DIR=
    fi
}

# --- commands ----------------------------------------------------------------------

cmd_build() {
    install_build_tools
    build_wasm_all
    build_server_release
    stage "done"
    echo "runtime: www/sdk/   editor: www/editor/pkg/   server: target/release/waymark"
}

cmd_serve() {
    cmd_build
    stage "serve"
    cargo run --release -p waymark-server -- serve "$@"
}

test_static() {
    stage "cargo fmt --check"
    cargo fmt --all --check -- --color "$RUSTFMT_COLOR"

    stage "cargo clippy"
    cargo clippy --workspace --all-targets -- -D warnings
    # The runtime's browser tests and wasm-only code compile for wasm32 alone.
    cargo clippy --target "$WASM_TARGET" -p waymark-runtime -p waymark-editor --all-targets -- -D warnings
    # Pick mode is compiled only into the editor frame's build (sdk/pick.js).
    cargo clippy --target "$WASM_TARGET" -p waymark-runtime --features pick -- -D warnings
}

test_native() {
    start_postgres
    start_rt
    stage "cargo test (native)"
    cargo test --workspace
}

test_browser() {
    stage "runtime tests in headless Chromium (wasm-bindgen-test)"
    CHROMEDRIVER=$CHROMEDRIVER \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test --target "$WASM_TARGET" -p waymark-runtime
}

# test_e2e [SPEC...]: the Playwright specs (all of tests/e2e/, or the files named)
# against a debug server, with a Request Tracker for the ticket specs.
test_e2e() {
    stage "validate guides/"
    cargo run -p waymark-server -- validate guides/

    [[ -n $RT_DIR ]] || start_rt
    cargo build -p waymark-server
    stage "e2e (node --test ${*:-tests/e2e/})"
    # Each spec saves a screenshot per step under tests/e2e/screenshots/ (gitignored).
    [[ $# -gt 0 ]] || rm -rf tests/e2e/screenshots
    start_server target/debug/waymark
    CHROMIUM=$CHROMIUM node --test "${@:-tests/e2e/}"
    stop_server
}

# ./build.sh test [static|native|browser|e2e [SPEC...]]: every stage, or one.
cmd_test() {
    local only=${1:-all}
    [[ $# -gt 0 ]] && shift
    install_test_tools
    case $only in
        all)
            test_static
            test_native
            build_wasm_all
            test_browser
            test_e2e
            ;;
        static) test_static ;;
        native) test_native ;;
        browser) test_browser ;;
        e2e)
            build_wasm_all
            test_e2e "$@"
            ;;
        *) die "unknown test stage '$only' (static | native | browser | e2e [SPEC...])" ;;
    esac
    stage "all tests passed${only/#all/}"
}

# Bytes of FILE after gzip -9, as a server with compression would send it.
gzip_bytes() {
    gzip -9 -c "$1" | wc -c
}

kb() {
    awk -v bytes="$1" 'BEGIN { printf "%.1f", bytes / 1024 }'
}

cmd_bench() {
    install_build_tools
    build_wasm_all
    stage "transfer sizes (each file gzip -9)"
    local name dir base glue wasm raw
    for name in runtime editor; do
        case $name in
            runtime) dir=www/sdk base=waymark ;;
            editor) dir=www/editor/pkg base=waymark_editor ;;
        esac
        glue=$(gzip_bytes "$dir/$base.js")
        wasm=$(gzip_bytes "$dir/${base}_bg.wasm")
        raw=$(cat "$dir/$base.js" "$dir/${base}_bg.wasm" | wc -c)
        printf '%-8s %7s KB gzipped (glue %s KB + wasm %s KB; %s KB uncompressed)\n' \
            "$name" "$(kb $((glue + wasm)))" "$(kb "$glue")" "$(kb "$wasm")" "$(kb "$raw")"
    done
    bench_core_share
    echo "(runtime budget: 40 KB gzipped, issue 3)"
    bench_wire
    bench_runtime
    bench_peers
    bench_ingest
    bench_insights
}

# wire_bytes URL ACCEPT_ENCODING: the bytes of the body as sent (curl does not decode
# it), for a client that sends that Accept-Encoding (none when empty).
wire_bytes() {
    local url=$1 accept=$2
    curl -fsS -o /dev/null -w '%{size_download}' ${accept:+-H "Accept-Encoding: $accept"} "$url"
}

# What each SDK and editor file costs on the wire, as a release `waymark serve` sends
# it to a browser that accepts Brotli, one that accepts only gzip, and one that
# accepts neither (BENCHMARKS.md, "SDK on the wire").
bench_wire() {
    build_server_release
    stage "SDK on the wire (waymark serve; bytes as sent for Accept-Encoding br / gzip / none)"
    start_server target/release/waymark
    local wasm path br gz plain page=(0 0 0)
    wasm=$(curl -fsS "$WAYMARK_URL/sdk/waymark.js" | grep -o 'waymark_bg\.[0-9a-f]\{16\}\.wasm' | head -n 1)
    [[ -n $wasm ]] || die "the served glue names no hashed wasm"
    printf '%-36s %10s %10s %10s\n' file br gzip none
    for path in /sdk/waymark.js "/sdk/$wasm" /sdk/pick.js /sdk/pick_bg.wasm \
        /editor/ /editor/editor.css /editor/pkg/waymark_editor.js /editor/pkg/waymark_editor_bg.wasm; do
        br=$(wire_bytes "$WAYMARK_URL$path" br)
        gz=$(wire_bytes "$WAYMARK_URL$path" gzip)
        plain=$(wire_bytes "$WAYMARK_URL$path" "")
        printf '%-36s %10s %10s %10s\n' "$path" "$br" "$gz" "$plain"
        if [[ $path == /sdk/waymark* ]]; then
            page=($((page[0] + br)) $((page[1] + gz)) $((page[2] + plain)))
        fi
    done
    printf 'a host page downloads %s KB with br, %s KB with gzip, %s KB uncompressed (glue + wasm)\n' \
        "$(kb "${page[0]}")" "$(kb "${page[1]}")" "$(kb "${page[2]}")"
    stop_server
}

# How much of the runtime's wasm is the core: runtime/examples/core_only.rs (the
# runtime's guide reader, validation, engine, ticket drafting, markup and geometry
# with none of its DOM code), built and shrunk like the runtime's wasm.
bench_core_share() {
    cargo xtask core-share
}

# The runtime in headless Chromium against a release server: the first step painted
# after init on a page of 5,000 elements, and Waymark's own work per scroll frame,
# timed inside the runtime in bench mode (tests/e2e/bench-runtime.mjs).
bench_runtime() {
    ensure_chromium
    ensure_node_modules
    build_server_release
    stage "runtime in Chromium (first step painted; reposition per scroll frame)"
    start_server target/release/waymark
    CHROMIUM=$CHROMIUM node tests/e2e/bench-runtime.mjs
    stop_server
}

# Waymark side by side with Shepherd.js, Driver.js and Intro.js (devDependencies) in
# one Chromium: the same 10-step tour on the same 5,000-element page, medians of 7
# interleaved rounds and the ratios Waymark / peer (tests/e2e/bench-peers.mjs; its
# own loopback server passes /sdk/ through to this release server).
bench_peers() {
    ensure_chromium
    ensure_node_modules
    build_server_release
    stage "runtime against the tour libraries (Shepherd.js, Driver.js, Intro.js)"
    start_server target/release/waymark
    CHROMIUM=$CHROMIUM node tests/e2e/bench-peers.mjs
    stop_server
}

# Event ingest against a release server on SQLite: 200k events in batches of 100 over
# 8 connections, at most 60 s; fails under 20,000 events/s (server/benches/ingest.rs).
bench_ingest() {
    build_server_release
    stage "event ingest benchmark (release server, SQLite, loopback)"
    WAYMARK_BIN="$ROOT/target/release/waymark" cargo bench -p waymark-server --bench ingest
}

# The Insights figures over 1,000,000 demo events on a fresh SQLite database, by the
# query function the endpoint calls, after the rollups' background refresh: min,
# median, max of 7 runs over the full range, one guide and the last 7 days; fails over
# a 250 ms median on the full range or the guide (server/benches/insights.rs).
bench_insights() {
    stage "insights query benchmark (SQLite, 1,000,000 events)"
    cargo bench -p waymark-server --bench insights
}

# Tickets through faults of a real Request Tracker 5 (its own instance, scripts/rt.sh):
# slow start, down 10 minutes, 1,000 tickets filed during an outage; prints one FAULT
# row each and fails on a lost or duplicated ticket (server/benches/faults.rs).
bench_faults() {
    scripts/rt.sh install
    stage "faults benchmark (real RT 5: slow start, 10 min down, 1,000 tickets in an outage)"
    cargo bench -p waymark-server --bench faults
}

main() {
    local command=${1:-build}
    [[ $# -gt 0 ]] && shift
    case $command in
        build) cmd_build ;;
        serve) cmd_serve "$@" ;;
        test) cmd_test "$@" ;;
        bench)
            case ${1:-} in
                "") cmd_bench ;;
                faults) bench_faults ;;
                *) die "unknown bench '$1' (faults, or none for the rest)" ;;
            esac
            ;;
        -h | --help | help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown command '$command' (build | serve | test | bench)" ;;
    esac
}

main "$@"
