#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Fuzz/harnesses against the package's own sources,
# with coverage instrumentation and AddressSanitizer: swiftc -sanitize=fuzzer,address.
#
# Usage: Fuzz/build.sh [OUT_DIR]   (default Fuzz/.build; prints the path of each fuzzer)
# Each library target is compiled as its own module from Sources/, exactly as the package
# defines it, so the harnesses call the real code through its public API.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-Fuzz/.build}"
mkdir -p "$out"
optimize="${FUZZ_OPTIMIZE:--O}"
flags=(-parse-as-library -swift-version 6 "$optimize" -gline-tables-only -sanitize=fuzzer,address
    -enable-upcoming-feature ExistentialAny -package-name kiosk -use-ld=lld -I "$out" -I Sources/COpenSSL -I Sources/CIDN2 -L "$out")

# module  dependencies (static libraries to link after it)
library() {
    local module="$1"
    local stamp="$out/lib$module.a"
    local newest
    newest=$(find "Sources/$module" -name '*.swift' -newer "$stamp" 2>/dev/null | head -1 || true)
    if [ -f "$stamp" ] && [ -z "$newest" ] && [ "$stamp" -nt "$0" ]; then return; fi
    echo "compiling $module" >&2
    # shellcheck disable=SC2046
    swiftc "${flags[@]}" -module-name "$module" -wmo -emit-module -emit-module-path "$out/$module.swiftmodule" \
        -emit-library -static -o "$stamp" $(find "Sources/$module" -name '*.swift' | sort)
}

harness() {
    local name="$1"
    shift
    echo "linking fuzz-$name" >&2
    swiftc "${flags[@]}" -module-name "Fuzz_$name" "Fuzz/harnesses/$name.swift" "$@" -o "$out/fuzz-$name"
    echo "$out/fuzz-$name"
}

library KioskSupport
library KioskCore
library KioskCrypto
library KioskBatch
library KioskTerminal
library KioskReceipt

harness line_reader -lKioskTerminal -lKioskCore -lKioskSupport -lidn2
harness validators -lKioskCore -lKioskSupport -lidn2
harness form_loader -lKioskCore -lKioskSupport -lidn2
harness batch_archive -lKioskBatch -lKioskCrypto -lKioskCore -lKioskSupport -lcrypto -lidn2
harness batch_manifest -lKioskBatch -lKioskCrypto -lKioskCore -lKioskSupport -lcrypto -lidn2
harness receipt -lKioskReceipt -lKioskCrypto -lKioskCore -lKioskSupport -lcrypto -lidn2
# KioskApp and KioskHQ need the database and the server libraries, so these two harnesses
# compile only the files they fuzz (pure code) into their own module, with the real sources.
# shellcheck disable=SC2046
harness config_decoder $(find Sources/KioskApp/Config -name '*.swift' | sort) Sources/KioskApp/Setup/SetupError.swift \
    Fuzz/harnesses/support/DataFolder+Fuzz.swift -lKioskCore -lKioskSupport -lidn2
harness intake Sources/KioskHQ/Intake/IntakeChecks.swift Sources/KioskHQ/Intake/IntakeError.swift \
    -lKioskBatch -lKioskReceipt -lKioskCrypto -lKioskCore -lKioskSupport -lcrypto -lidn2
