#!/usr/bin/env bash
# A private Request Tracker 5 instance for tests: the real help desk Waymark files
# tickets in. Installs RT from Debian's packages when missing, creates a throwaway
# SQLite-backed instance in a directory of its own, and serves it on 127.0.0.1 only.
#
#   scripts/rt.sh install              install the Debian packages if missing
#   scripts/rt.sh start DIR PORT       set up (first time) and start; prints the base URL
#   scripts/rt.sh stop DIR             stop the instance started in DIR
#   scripts/rt.sh url DIR              the base URL of the instance in DIR
#   scripts/rt.sh warm DIR             file one throwaway ticket and wait for it (RT's
#                                      first ticket compiles much of RT: >20 s loaded)
#
# The instance's root user has the password "password" (RT's default); the script
# creates a queue "General" custom field "Category" so tickets can carry it.
set -euo pipefail

RT_SERVER=/usr/share/request-tracker5/libexec/rt-server

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install_rt() {
    if [[ -x $RT_SERVER ]] && command -v rt-setup-database-5 >/dev/null; then
        return
    fi
    echo "rt.sh: installing Request Tracker 5 from Debian's packages" >&2
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        request-tracker5 rt5-db-sqlite rt5-standalone curl
}

config() {
    local dir=$1 port=$2
    mkdir -p "$dir/etc/RT_SiteConfig.d" "$dir/var/mason_data" "$dir/var/session_data" "$dir/log"
    cat >"$dir/etc/RT_SiteConfig.pm" <<CONF
Set(\$rtname,'waymark.test'); Set(\$Organization,'waymark.test'); Set(\$Timezone,'UTC');
Set(\$DatabaseType,'SQLite'); Set(\$DatabaseName,'$dir/var/rtdb');
Set(\$WebDomain,'127.0.0.1'); Set(\$WebPort,$port); Set(\$WebPath,'');
Set(\$WebBaseURL,'http://127.0.0.1:$port');
Set(\$RestrictReferrer,0);
Set(\$MasonDataDir,'$dir/var/mason_data'); Set(\$MasonSessionDir,'$dir/var/session_data');
Set(\$LogToSyslog,undef); Set(\$LogToSTDERR,'warning'); Set(\$LogToFile,'info'); Set(\$LogDir,'$dir/log');
Set(\$MailCommand,'testfile');
Set(\$BcryptCost,4);
1;
CONF
    echo "$port" >"$dir/port"
}

env_for() {
    local dir=$1
    export RT_SITE_CONFIG=$dir/etc/RT_SiteConfig.pm RT_SITE_CONFIG_DIR=$dir/etc/RT_SiteConfig.d
}

wait_up() {
    local url=$1 tries=0
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/REST/2.0/") != 000 ]]; do
        tries=$((tries + 1))
        if [[ $tries -gt 300 ]]; then
            echo "rt.sh: RT did not answer at $url within 60 s" >&2
            return 1
        fi
        sleep 0.2
    done
}

start_rt() {
    local dir=$1 port=$2
    install_rt
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ ! -f $dir/var/rtdb ]]; then
        config "$dir" "$port"
        env_for "$dir"
        rt-setup-database-5 --action init </dev/null >"$dir/setup.log" 2>&1 || {
            echo "rt.sh: database setup failed; see $dir/setup.log" >&2
            tail -20 "$dir/setup.log" >&2
            return 1
        }
        local fresh=1
    fi
    port=$(cat "$dir/port")
    env_for "$dir"
    setsid "$RT_SERVER" --host 127.0.0.1 --port "$port" --max-workers 2 \
        >"$dir/server.log" 2>&1 </dev/null &
    echo $! >"$dir/server.pid"
    local url=http://127.0.0.1:$port
    wait_up "$url"
    if [[ -n ${fresh:-} ]]; then
        # The ticket's category travels as a custom field on the General queue.
        curl -sf -u root:password -H 'Content-Type: application/json' -X POST "$url/REST/2.0/customfield" \
            -d '{"Name":"Category","Type":"Freeform","MaxValues":1,"LookupType":"RT::Queue-RT::Ticket","Queue":"General"}' \
            >"$dir/cf.json"
    fi
    echo "$url"
}

stop_rt() {
    local dir=$1
    if [[ -f $dir/server.pid ]]; then
        local pid
        pid=$(cat "$dir/server.pid")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$dir/server.pid"
    fi
}

warm_rt() {
    local dir=$1 url started
    url="http://127.0.0.1:$(cat "$dir/port")"
    started=$(date +%s)
    # One ticket, waited for (up to 5 minutes on a loaded machine), then resolved so
    # it stays out of the way.
    local answer
    answer=$(curl -sf --max-time 300 -u root:password -H 'Content-Type: application/json' \
        -X POST "$url/REST/2.0/ticket" \
        -d '{"Queue":"General","Subject":"rt.sh warm-up","Content":"throwaway","ContentType":"text/plain"}') || {
        echo "rt.sh: RT did not make its warm-up ticket within 300 s; see $dir/server.log" >&2
        return 1
    }
    local id
    id=$(sed -n 's/.*"id" *: *"\([0-9]*\)".*/\1/p' <<<"$answer" | head -1)
    if [[ -n $id ]]; then
        curl -sf --max-time 120 -u root:password -H 'Content-Type: application/json' -X PUT \
            "$url/REST/2.0/ticket/$id" -d '{"Status":"resolved"}' >/dev/null || true
    fi
    echo "rt.sh: RT warmed in $(($(date +%s) - started)) s (ticket ${id:-?})" >&2
}

case ${1:-} in
install) install_rt ;;
start) start_rt "${2:?DIR}" "${3:?PORT}" ;;
stop) stop_rt "${2:?DIR}" ;;
url) echo "http://127.0.0.1:$(cat "${2:?DIR}/port")" ;;
warm) warm_rt "${2:?DIR}" ;;
*)
    sed -n '2,14p' "$0" >&2
    exit 2
    ;;
esac
