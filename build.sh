#!/usr/bin/env bash
# Waymark's one build script.
#
#   ./build.sh [build]   install what is missing, build the runtime and editor to wasm
#                        (into www/sdk/ and www/editor/pkg/) and the server binary
#   ./build.sh serve     build, then run the demo server (http://127.0.0.1:8080/demo/)
#   ./build.sh test      every check: fmt, clippy, native tests, wasm builds, the
#                        runtime's browser tests, guide validation, the e2e suite;
#                        `./build.sh test static|native|browser|e2e [SPEC...]` one stage
#   ./build.sh bench     build, then print transfer sizes (gzipped glue + wasm), time
#                        the runtime in Chromium and run the server's event-ingest
#                        benchmark (BENCHMARKS.md)
#
# Safe to run twice: each tool is installed only when missing. Tools that are not
# Rust crates live in the project (.tools/ and node_modules/), never globally via npm.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD

BINARYEN_VERSION=132.0.0
WASM_TARGET=wasm32-unknown-unknown
WASM_PROFILE=wasm-release
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

# build_wasm CRATE OUT_DIR OUT_NAME [CARGO_ARGS...]: cargo → wasm-bindgen → wasm-opt
# (-Oz, after the flags in WASM_OPT_FLAGS when set).
# Replaces OUT_DIR's OUT_NAME files only, so two builds may share a folder.
build_wasm() {
    local crate=$1 out_dir=$2 out_name=$3
    shift 3
    local artifact="target/$WASM_TARGET/$WASM_PROFILE/${crate//-/_}.wasm"
    stage "build $crate${*:+ ($*)} (wasm)"
    cargo build --profile "$WASM_PROFILE" --target "$WASM_TARGET" -p "$crate" "$@"
    rm -rf "$out_dir/$out_name.js" "$out_dir/${out_name}_bg.wasm" "$out_dir/snippets"
    wasm-bindgen --target web --no-typescript --out-dir "$out_dir" --out-name "$out_name" "$artifact"
    # shellcheck disable=SC2086 # WASM_OPT_FLAGS is a list of flags
    wasm-opt ${WASM_OPT_FLAGS:-} -Oz "$out_dir/${out_name}_bg.wasm" -o "$out_dir/${out_name}_bg.wasm"
}

# append_loader GLUE IS_PICK_BUILD: appends the loader (runtime/js/loader.js) to the
# wasm-bindgen glue, so one module file starts the wasm, exports the API and handles
# the one-tag embed; the pick build's copy is told it is the pick build.
append_loader() {
    local glue=$1 pick=$2 tmp
    grep -q '^async function __wbg_init' "$glue" ||
        die "the wasm-bindgen glue has no __wbg_init: update runtime/js/loader.js"
    # Idempotent and atomic: another build in the same tree may be doing this too.
    tmp=$(mktemp www/sdk/.loader.js.XXXXXX)
    sed '/^\/\/ ---- Waymark loader/,$d' "$glue" >"$tmp"
    sed "s/^const PICK_BUILD = false;/const PICK_BUILD = $pick;/" runtime/js/loader.js >>"$tmp"
    grep -q "^const PICK_BUILD = $pick;" "$tmp" || die "runtime/js/loader.js has no PICK_BUILD line"
    chmod 644 "$tmp"
    mv -f "$tmp" "$glue"
}

# The runtime every host page loads (www/sdk/waymark.js + waymark_bg.wasm), and the
# same runtime with the editor's pick mode and preview (feature `pick`: pick.js +
# pick_bg.wasm), which waymark.js runs instead only inside the editor's frame.
# wasm-opt inlines every function that has one caller, however big: the shell's
# loop became one 36 KB function whose thousands of locals compress badly.
# Inlining only small ones (up to 20 instructions) in every pass: ~7.6 KB
# gzipped less (measured: 0: 6.1 KB, 4: 7.0, 10: 7.5, 15: 7.6, 30: 7.5, 60: 5.6).
# Tiny functions inlined anywhere up to 6 instructions (default 2): ~250 B less than
# 2, and 62 fewer functions (562, not 624) for V8 to compile on the first step (3:
# 203 B less than 2; 5: 23 B more than 6; 10: 3.8 KB more). Each function V8
# compiles lazily, on its first call, costs the first step ~30 us however small;
# handlers a page does not call stay out of line.
# The editor's wasm gets the same limits: 522 -> 486 KB gzipped.
WASM_INLINE="--one-caller-inline-max-function-size=20 --always-inline-max-function-size=6"

# shrink_runtime_wasm WASM: the runtime's size passes after build_wasm's first -Oz
# (also applied to the core's share measured by `./build.sh bench`).
shrink_runtime_wasm() {
    local wasm=$1
    # shellcheck disable=SC2086 # WASM_INLINE is a list of flags
    {
        # Flattened and re-looped control flow gives -Oz more to merge: ~750 B gzipped
        # less, and a second round 74 B more (measured: --type-ssa --gufa,
        # --inlining-optimizing, -O3 first: no gain).
        wasm-opt $WASM_INLINE --flatten --rereloop -Oz --flatten --rereloop -Oz \
            "$wasm" -o "$wasm"
        # Optimising until nothing changes takes ~10 s more and saves ~9 KB gzipped.
        wasm-opt $WASM_INLINE -Oz --converge "$wasm" -o "$wasm"
    }
}

build_runtime() {
    mkdir -p www/sdk
    WASM_OPT_FLAGS=$WASM_INLINE build_wasm waymark-runtime www/sdk waymark
    shrink_runtime_wasm www/sdk/waymark_bg.wasm
    # Short import and export names in the wasm and the glue: ~6 KB gzipped less.
    # The producers and target-features sections are for tools, not browsers.
    local names
    names=$(mktemp -t waymark-names.XXXXXX)
    wasm-opt --minify-imports-and-exports-and-modules --strip-producers --strip-target-features \
        www/sdk/waymark_bg.wasm -o www/sdk/waymark_bg.wasm >"$names"
    node runtime/js/shorten-names.mjs "$names" www/sdk/waymark.js www/sdk/waymark_bg.wasm
    rm -f "$names"
    append_loader www/sdk/waymark.js false
    # Minified (names local to the module, whitespace, comments): ~2.7 KB gzipped less.
    terser www/sdk/waymark.js --module --compress --mangle -o www/sdk/waymark.js
    # V8's explicit compile hint: most glue functions are called by the first init, so
    # V8 compiles them with the script (off the main thread while it streams) instead
    # of one by one during init (~6 ms of the first step; load time unchanged).
    sed -i '1i //# allFunctionsCalledOnLoad' www/sdk/waymark.js
    WASM_OPT_FLAGS=$WASM_INLINE build_wasm waymark-runtime www/sdk pick --features pick
    append_loader www/sdk/pick.js true
}

build_wasm_all() {
    build_runtime
    WASM_OPT_FLAGS=$WASM_INLINE build_wasm waymark-editor www/editor/pkg waymark_editor
    precompress_assets
}

# Brotli (quality 11) and gzip (level 9) copies, FILE.br and FILE.gz, beside each
# asset the server sends (the SDK, the editor, the demo, the landing page), rewritten
# every build; the server sends one to a client that accepts it and ignores a copy
# older than its file (server/src/http/static_files/encoding.rs).
precompress_assets() {
    stage "precompress (br, gzip)"
    node scripts/precompress.mjs www/sdk www/editor www/demo www/index.html
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

# How much of the runtime's wasm is the core: runtime/examples/core_only.rs runs the
# runtime's guide reader, validation, engine, ticket drafting, markup and geometry
# with none of its DOM code, built and shrunk like the runtime's wasm.
bench_core_share() {
    local out
    out=$(mktemp -d -t waymark-core.XXXXXX)
    cargo build --profile "$WASM_PROFILE" --target "$WASM_TARGET" -p waymark-runtime --example core_only
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name core \
        "target/$WASM_TARGET/$WASM_PROFILE/examples/core_only.wasm"
    # shellcheck disable=SC2086 # WASM_INLINE is a list of flags
    wasm-opt $WASM_INLINE -Oz "$out/core_bg.wasm" -o "$out/core_bg.wasm"
    shrink_runtime_wasm "$out/core_bg.wasm"
    wasm-opt --strip-producers --strip-target-features "$out/core_bg.wasm" -o "$out/core_bg.wasm"
    printf '%-8s %7s KB gzipped (wasm: the core as the runtime runs it, no DOM code)\n' \
        core "$(kb "$(gzip_bytes "$out/core_bg.wasm")")"
    rm -rf "$out"
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

main() {
    local command=${1:-build}
    [[ $# -gt 0 ]] && shift
    case $command in
        build) cmd_build ;;
        serve) cmd_serve "$@" ;;
        test) cmd_test "$@" ;;
        bench) cmd_bench ;;
        -h | --help | help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown command '$command' (build | serve | test | bench)" ;;
    esac
}

main "$@"
