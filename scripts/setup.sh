#!/usr/bin/env bash
# Installs what Zapgate needs on a Debian/Ubuntu machine, skipping whatever is already there.
# Idempotent: a second run only checks and returns within a few seconds.
#   scripts/setup.sh          system packages + Swift check (enough to build and run)
#   scripts/setup.sh --test   also the oracle venvs the interop tests run against
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '[setup] %s\n' "$*"; }

# System packages. protobuf-compiler regenerates the committed Swift (scripts/generate-proto.sh)
# and lets the schema tests compile our .proto files; zbar decodes QR images in tests;
# postgresql is the server the storage tests run against (scripts/postgres.sh).
apt_packages=(libsodium-dev libgmp-dev zlib1g-dev libqrencode-dev pkg-config)
if [ "$want_test" = 1 ]; then
    apt_packages+=(python3 python3-venv python3-dev gcc libzbar0 zbar-tools librsvg2-bin protobuf-compiler openssl postgresql)
fi
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    else
        say "Swift 6.1 or newer is required and was not found; install it from swift.org (swiftly)."
        exit 1
    fi
fi

[ "$want_test" = 1 ] || exit 0

# Oracle venvs: implementations we did not write, at pinned versions (Oracles/README.md).
python=/usr/bin/python3
[ -x "$python" ] || python=python3

# A venv is rebuilt only when what it pins changes: its stamp is a hash of the pins.
baileys_pin="baileys-python==0.1.0a1"

make_venv() { # dir requirements-file extra-pin-text
    local dir=$1 req=$2 extra=${3:-} stamp
    stamp="$dir/.installed-$({ cat "$req"; echo "$extra"; } | sha256sum | cut -c1-16)"
    [ -f "$stamp" ] && return 0
    say "creating $dir from $req"
    rm -rf "$dir"
    "$python" -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
    if [ -n "$extra" ]; then
        # baileys-python declares Python 3.12 and a Rust-only dependency; we use only its
        # pure-Python codec and protobuf modules, which run on 3.11.
        "$dir/bin/pip" install -q --disable-pip-version-check --no-deps --ignore-requires-python "$extra"
    fi
    touch "$stamp"
}

# .venv-signal gets baileys-python too: the companion oracle speaks binary nodes (its wabinary)
# over a Noise session (dissononce) with axolotl's curve, all in one process.
make_venv .venv-signal Oracles/requirements-signal.txt "$baileys_pin"
make_venv .venv-waproto Oracles/requirements-waproto.txt "$baileys_pin"
# .venv-events judges webhook signatures (Oracles/webhook_oracle.py).
make_venv .venv-events Oracles/requirements-events.txt
# .venv-schemathesis judges the HTTP API against its own openapi.yaml (APIConformanceTests).
make_venv .venv-schemathesis Oracles/requirements-schemathesis.txt
