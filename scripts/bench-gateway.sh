#!/usr/bin/env bash
# Latency of GET /v1/instances/{id} under wrk, against a release `zapgate serve --sandbox` on
# 127.0.0.1 with one linked instance (BENCHMARKS.md, "Gateway").
#   scripts/bench-gateway.sh [--database-url URL] [--threads 2] [--connections 32] [--duration 20s]
# Needs wrk (`apt-get install -y wrk`), curl and jq, and the release binary:
#   flock /tmp/zapgate-build.lock swift build -c release --scratch-path .build-release --product zapgate
# ZAPGATE_BIN overrides the binary. The gateway's data goes to a scratch folder, removed on exit;
# with --database-url, give it an empty scratch database.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${ZAPGATE_BIN:-.build-release/release/zapgate}
database_url=""
threads=2
connections=32
duration=20s
while [ $# -gt 0 ]; do
    case "$1" in
        --database-url) database_url=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        *) echo "usage: scripts/bench-gateway.sh [--database-url URL] [--threads N] [--connections N] [--duration 20s]" >&2; exit 2 ;;
    esac
done
for tool in wrk curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench-gateway: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "bench-gateway: $bin is missing; build it in release mode first" >&2; exit 1; }

say() { printf '[bench-gateway] %s\n' "$*" >&2; }

data=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$data"
}
trap cleanup EXIT

admin="zga_benchmark-admin-key-0123456789abcdef"
args=(serve --sandbox --port 0 --data "$data/gateway" --log-level warning)
[ -n "$database_url" ] && args+=(--database-url "$database_url")
ZAPGATE_ADMIN_KEY=$admin ZAPGATE_MASTER_KEY=$(printf 'ab%.0s' $(seq 32)) \
    "$bin" "${args[@]}" >"$data/stdout" 2>"$data/stderr" &
server=$!

port=""
for _ in $(seq 300); do
    port=$(sed -n 's|^listening on http://[^:]*:\([0-9]*\).*|\1|p' "$data/stdout")
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$data/stderr" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { say "the gateway did not start"; exit 1; }
base="http://127.0.0.1:$port"
say "gateway (pid $server) on $base"

api() { # method path key [json]
    local method=$1 path=$2 key=$3 body=${4:-}
    if [ -n "$body" ]; then
        curl -sS -X "$method" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
            -d "$body" "$base$path"
    else
        curl -sS -X "$method" -H "Authorization: Bearer $key" "$base$path"
    fi
}

tenant=$(api POST /v1/tenants "$admin" '{"name":"bench","plan":"business"}' | jq -r .id)
key=$(api POST "/v1/tenants/$tenant/keys" "$admin" '{"name":"bench"}' | jq -r .key)
instance=$(api POST /v1/instances "$key" '{"name":"bench","connect":true}' | jq -r .id)
curl -sS -X POST -H 'Content-Type: application/json' -d '{"phoneNumber":"15550001001"}' \
    "$base/sandbox/phones" >/dev/null
code=""
for _ in $(seq 300); do
    code=$(api GET "/v1/instances/$instance/qr" "$key" | jq -r '.code // empty')
    [ -n "$code" ] && break
    sleep 0.1
done
[ -n "$code" ] || { say "no QR code"; exit 1; }
curl -sS -X POST -H 'Content-Type: application/json' -d "{\"qr\":\"$code\"}" \
    "$base/sandbox/phones/15550001001/scan" >/dev/null
status=""
for _ in $(seq 300); do
    status=$(api GET "/v1/instances/$instance" "$key" | jq -r .status)
    [ "$status" = connected ] && break
    sleep 0.1
done
[ "$status" = connected ] || { say "the instance did not connect ($status)"; exit 1; }
say "instance $instance connected; running wrk"

wrk "-t$threads" "-c$connections" "-d$duration" --latency -H "Authorization: Bearer $key" \
    "$base/v1/instances/$instance"
