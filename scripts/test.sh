#!/usr/bin/env bash
# Installs what is missing, then runs every test: unit tests, the interop tests against the
# oracles in Oracles/, and a short bounded fuzz run of the node decoder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

swift build --build-tests
log=$(mktemp)
# The storage tests run against both SQLite and a throwaway PostgreSQL (scripts/postgres.sh),
# stopped on exit unless it was running before.
pg_started=0
scripts/postgres.sh status || pg_started=1
cleanup() {
    rm -f "$log"
    if [ "$pg_started" = 1 ]; then scripts/postgres.sh stop || true; fi
}
trap cleanup EXIT
ZAPGATE_TEST_POSTGRES_URL=$(scripts/postgres.sh start)
export ZAPGATE_TEST_POSTGRES_URL
# Our tests use Swift Testing; XCTest's own summary ("Executed 0 tests") is printed beside it.
# The load tests (200 devices linking at once; 10,000 messages across receiver restarts; 20
# kill -9 cycles of the gateway under load; 20 more during webhook delivery) run on their own
# afterwards, so that their load does not stretch the other suites' timeouts.
load_tests="ConcurrentLinkingTests|MessageVolumeTests|GatewayCrashTests|GatewayWebhookCrashTests"
passed=0
for run in "--skip $load_tests" "--filter ConcurrentLinkingTests" "--filter MessageVolumeTests" \
    "--filter GatewayCrashTests" "--filter GatewayWebhookCrashTests"; do
    # shellcheck disable=SC2086 # the option and its value are two words on purpose
    swift test --skip-build $run 2>&1 | tee "$log"
    count=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} .* passed after.*/\1/p' "$log" | tail -n 1)
    if [ -z "$count" ]; then
        echo "no passing Swift Testing run was reported (swift test $run)" >&2
        exit 1
    fi
    passed=$((passed + count))
done
if [ -x scripts/fuzz.sh ]; then
    scripts/fuzz.sh --seconds "${ZAPGATE_FUZZ_SECONDS:-60}"
fi
echo "$passed passed, 0 failed"
