#!/usr/bin/env bash
# Installs what is missing, builds Zapgate in release mode and runs it. Arguments go to `zapgate`;
# with none it serves the gateway (`zapgate serve`: 127.0.0.1:8080, SQLite under ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product zapgate
[ "$#" -gt 0 ] || set -- serve
exec .build/release/zapgate "$@"
