#!/usr/bin/env bash
# Regenerates the committed Swift in Sources/ZapgateAPI/Generated from the HTTP API contract,
# Sources/ZapgateAPI/openapi.yaml. The generator is built as a throwaway package under
# .build-openapi/ (not a dependency of Package.swift, and not the build plugin), pinned to the
# version whose output is committed, so the same spec always gives the same Swift.
#
#   scripts/generate-openapi.sh
set -euo pipefail

generator_version="1.14.3"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
api_dir="$root/Sources/ZapgateAPI"
out_dir="$api_dir/Generated"
tool_dir="$root/.build-openapi/generator-$generator_version"

mkdir -p "$tool_dir"
cat >"$tool_dir/Package.swift" <<MANIFEST
// swift-tools-version:6.1
// Throwaway package made by scripts/generate-openapi.sh: it only builds the generator's CLI.
import PackageDescription

let package = Package(
    name: "OpenAPIGeneratorTool",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "$generator_version")
    ],
    targets: []
)
MANIFEST

# One swift build at a time on this machine; the lock keeps this one apart from the others.
bin_path="$(flock /tmp/zapgate-build.lock sh -c \
    'swift build --package-path "$1" --product swift-openapi-generator >&2 &&
     swift build --package-path "$1" --show-bin-path' sh "$tool_dir")"
generator="$bin_path/swift-openapi-generator"
if [ ! -x "$generator" ]; then
    echo "swift-openapi-generator was not built at $generator" >&2
    exit 1
fi

# Start from an empty folder so a removed operation leaves no stale Swift behind.
rm -rf "$out_dir"
mkdir -p "$out_dir"
"$generator" generate \
    --config "$api_dir/openapi-generator-config.yaml" \
    --output-directory "$out_dir" \
    "$api_dir/openapi.yaml" >&2

# Two touches to the output, the same every time:
# - Generated code is not ours to format: mark each file the way protoc-gen-swift marks its own,
#   so `swift format lint -r Sources` passes over it.
# - The generator writes `public import` into every file, and silences the resulting "public
#   import … was not used in public declarations" warnings only for Swift 6.4 and later
#   (`@diagnose(UnusedImportAccess, as: ignored)`). Our compiler is older, and our targets do not
#   turn on InternalImportsByDefault, so a plain `import` is already public: drop the access
#   level and the guards to build without warnings.
for file in "$out_dir"/*.swift; do
    {
        printf '%s\n' '// swift-format-ignore-file'
        sed -e '/^#if compiler(>=6\.4)$/{N;N;/\n@diagnose(UnusedImportAccess, as: ignored)\n#endif$/d;}' \
            -e 's/^\(@_spi([A-Za-z]*) \)\{0,1\}public import /\1import /' "$file"
    } >"$file.tmp"
    mv "$file.tmp" "$file"
done

echo "generated $(ls "$out_dir" | wc -l) files in ${out_dir#"$root"/} (swift-openapi-generator $generator_version)" >&2
