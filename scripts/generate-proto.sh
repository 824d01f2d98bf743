#!/usr/bin/env bash
# Regenerates the committed Swift in Sources/ZapgateProto/Generated from the .proto files in
# Sources/ZapgateProto/proto. Uses Debian's protoc and the protoc-gen-swift built from our own
# swift-protobuf dependency, so the generated code matches the runtime we link against.
#
#   scripts/generate-proto.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proto_dir="$root/Sources/ZapgateProto/proto"
out_dir="$root/Sources/ZapgateProto/Generated"

if ! command -v protoc >/dev/null 2>&1; then
    echo "protoc is missing; installing protobuf-compiler" >&2
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq protobuf-compiler
fi

# The build directory is shared with other builds in this tree; the lock keeps them apart.
cd "$root"
plugin="$(flock /tmp/zapgate-build.lock sh -c \
    'swift build --product protoc-gen-swift >&2 && swift build --show-bin-path')/protoc-gen-swift"
if [ ! -x "$plugin" ]; then
    echo "protoc-gen-swift was not built at $plugin" >&2
    exit 1
fi

# Start from an empty folder so a removed .proto leaves no stale Swift behind.
rm -rf "$out_dir"
mkdir -p "$out_dir"
protoc \
    --plugin=protoc-gen-swift="$plugin" \
    --proto_path="$proto_dir" \
    --swift_out="$out_dir" \
    --swift_opt=Visibility=Public \
    "$proto_dir"/*.proto

echo "generated $(ls "$out_dir" | wc -l) files in ${out_dir#"$root"/}" >&2
