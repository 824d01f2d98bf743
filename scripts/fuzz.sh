#!/usr/bin/env bash
# Fuzzes the binary-node decoder with libFuzzer for a bounded time; exits non-zero when it finds
# a crash, a hang (an input over 10 s) or an oversized allocation.
#   scripts/fuzz.sh [--seconds N]     default 60
# Fuzz/NodeDecoderFuzz.swift is compiled together with Sources/ZapgateWire into .build-fuzz/
# (rebuilt when a source is newer), seeded with valid encodings written by the target itself.
# Crash inputs are kept in .build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --seconds=*) seconds=${1#--seconds=}; shift ;;
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: --seconds wants a whole number" >&2; exit 2 ;; esac

command -v swiftc >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"

out=.build-fuzz
binary=$out/node-decoder-fuzz
mkdir -p "$out/artifacts"
sources=(Sources/ZapgateWire/*.swift Fuzz/NodeDecoderFuzz.swift)
if [ ! -x "$binary" ] || [ -n "$(find "${sources[@]}" "$0" -newer "$binary" 2>/dev/null)" ]; then
    echo "[fuzz] compiling $binary"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -swift-version 6 -use-ld=lld \
        -module-name ZapgateWireFuzz -I Sources/CZlib -lz "${sources[@]}" -o "$binary.tmp"
    mv "$binary.tmp" "$binary"
fi

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
ZAPGATE_FUZZ_WRITE_SEEDS="$corpus" "$binary"
echo "[fuzz] $(ls "$corpus" | wc -l) seeds; fuzzing for ${seconds}s"

# -malloc_limit_mb turns any allocation near a declared size into a failure; the decoder
# inflates at most 1 MiB in this target.
log=$out/last-run.log
set +e
# Swift's own crash backtracer would race libFuzzer's handler and AddressSanitizer.
SWIFT_BACKTRACE=enable=no "$binary" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/" 2>&1 | tee "$log" |
    grep --line-buffered -E '^#[0-9]+[[:space:]]+(INITED|DONE|pulse)|^stat::|Fatal error|ERROR|SUMMARY|Test unit written'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "[fuzz] FAILED (exit $status); full log in $log, inputs in $out/artifacts/" >&2
    exit "$status"
fi
echo "[fuzz] no crashes in ${seconds}s"
