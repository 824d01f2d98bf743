#!/usr/bin/env bash
# A throwaway PostgreSQL for the storage tests and CI: Debian's server binaries, a cluster in a
# scratch folder, port 5433 on 127.0.0.1 only, trust login for the postgres user.
#   scripts/postgres.sh start   start it (a no-op when it runs already); prints its URL
#   scripts/postgres.sh stop    stop it and delete its folder
#   scripts/postgres.sh status  exit 0 when it runs
#   scripts/postgres.sh url     print the URL the tests take in ZAPGATE_TEST_POSTGRES_URL
# ZAPGATE_PG_PORT and ZAPGATE_PG_DIR override the port and the folder.
set -euo pipefail

port=${ZAPGATE_PG_PORT:-5433}
dir=${ZAPGATE_PG_DIR:-${TMPDIR:-/tmp}/zapgate-postgres-$port}
url="postgresql://postgres@127.0.0.1:$port/postgres"

say() { printf '[postgres] %s\n' "$*" >&2; }

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/pg_ctl" ]; then
    say "PostgreSQL server binaries not found; install the postgresql package (scripts/setup.sh --test)"
    exit 1
fi

# The server refuses to run as root: as root, the cluster belongs to the postgres user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() { [ -f "$dir/PG_VERSION" ] && as_owner "$pgbin/pg_ctl" -D "$dir" status >/dev/null 2>&1; }

start() {
    if running; then
        echo "$url"
        return 0
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
        rm -rf "$dir"
        if [ "$(id -u)" -eq 0 ]; then
            install -d -m 700 -o postgres -g postgres "$dir"
        else
            install -d -m 700 "$dir"
        fi
        as_owner "$pgbin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # Many tests each open a pool against their own scratch database at once.
    if ! as_owner "$pgbin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" \
        start >/dev/null; then
        say "the server did not start; its log:"
        tail -n 20 "$dir/server.log" >&2 || true
        exit 1
    fi
    echo "$url"
}

stop() {
    if running; then
        as_owner "$pgbin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) running ;;
    url) echo "$url" ;;
    *)
        echo "usage: scripts/postgres.sh start|stop|status|url" >&2
        exit 2
        ;;
esac
