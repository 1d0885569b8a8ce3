#!/usr/bin/env bash
# Waymark's one build script.
#
#   ./build.sh [build]   install what is missing, build the runtime and editor to wasm
#                        (into www/sdk/ and www/editor/pkg/) and the server binary
#   ./build.sh serve     build, then run the demo server (http://127.0.0.1:8080/demo/)
#   ./build.sh test      every check: fmt, clippy, native tests, wasm builds, the
#                        runtime's browser tests, guide validation, the e2e suite
#   ./build.sh bench     build, then print transfer sizes (gzipped glue + wasm)
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
}

install_test_tools() {
    install_build_tools
    stage "install test tools"
    ensure_chromium
    command -v curl >/dev/null || apt_install curl
    ensure_node_modules
}

# --- builds ------------------------------------------------------------------------

# build_wasm CRATE OUT_DIR OUT_NAME: cargo → wasm-bindgen → wasm-opt.
build_wasm() {
    local crate=$1 out_dir=$2 out_name=$3
    local artifact="target/$WASM_TARGET/$WASM_PROFILE/${crate//-/_}.wasm"
    stage "build $crate (wasm)"
    cargo build --profile "$WASM_PROFILE" --target "$WASM_TARGET" -p "$crate"
    rm -rf "$out_dir"
    wasm-bindgen --target web --no-typescript --out-dir "$out_dir" --out-name "$out_name" "$artifact"
    wasm-opt -Oz "$out_dir/${out_name}_bg.wasm" -o "$out_dir/${out_name}_bg.wasm"
}

build_wasm_all() {
    build_wasm waymark-runtime www/sdk waymark
    build_wasm waymark-editor www/editor/pkg waymark_editor
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

cmd_test() {
    install_test_tools

    stage "cargo fmt --check"
    cargo fmt --all --check -- --color "$RUSTFMT_COLOR"

    stage "cargo clippy"
    cargo clippy --workspace --all-targets -- -D warnings
    # The runtime's browser tests and wasm-only code compile for wasm32 alone.
    cargo clippy --target "$WASM_TARGET" -p waymark-runtime -p waymark-editor --all-targets -- -D warnings

    stage "cargo test (native)"
    cargo test --workspace

    build_wasm_all

    stage "runtime tests in headless Chromium (wasm-bindgen-test)"
    CHROMEDRIVER=$CHROMEDRIVER \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test --target "$WASM_TARGET" -p waymark-runtime

    stage "validate guides/"
    cargo run -p waymark-server -- validate guides/

    stage "e2e (node --test tests/e2e/)"
    start_server target/debug/waymark
    CHROMIUM=$CHROMIUM node --test tests/e2e/
    stop_server

    stage "all tests passed"
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
}

main() {
    local command=${1:-build}
    [[ $# -gt 0 ]] && shift
    case $command in
        build) cmd_build ;;
        serve) cmd_serve "$@" ;;
        test) cmd_test ;;
        bench) cmd_bench ;;
        -h | --help | help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown command '$command' (build | serve | test | bench)" ;;
    esac
}

main "$@"
