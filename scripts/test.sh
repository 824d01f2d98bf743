#!/usr/bin/env bash
# Installs what is missing, then runs every test: unit tests, the interop tests against the
# oracles in Oracles/, and a short bounded fuzz run of the node decoder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Our tests use Swift Testing; XCTest's own summary ("Executed 0 tests") is printed beside it.
swift test --skip-build 2>&1 | tee "$log"
passed=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .* passed after.*/\1/p' "$log" | tail -n 1)
if [ -z "$passed" ]; then
    echo "no passing Swift Testing run was reported" >&2
    exit 1
fi
if [ -x scripts/fuzz.sh ]; then
    scripts/fuzz.sh --seconds "${ZAPGATE_FUZZ_SECONDS:-60}"
fi
echo "$passed passed, 0 failed"
