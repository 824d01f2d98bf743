#!/usr/bin/env bash
# Installs what is missing, then runs every test: unit tests, the interop tests against the
# oracles in Oracles/, and a short bounded fuzz run of the node decoder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

swift build --build-tests
swift test --skip-build --parallel --num-workers 2
if [ -x scripts/fuzz.sh ]; then
    scripts/fuzz.sh --seconds "${ZAPGATE_FUZZ_SECONDS:-60}"
fi
