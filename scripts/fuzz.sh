#!/usr/bin/env bash
# Fuzzes aflexi-core for a bounded time: the XML-RPC decoder and the username and package
# rules (targets in fuzz/fuzz_targets, seeds in fuzz/seeds). Prints executions and findings per
# target and exits non-zero when any target found a crash, a hang or a leak.
#
#   FUZZ_SECONDS=60 (per target)   FUZZ_TARGETS="xmlrpc_decode username package"
#   FUZZ_TOOLCHAIN=nightly|stable (default: nightly when installed, else stable with
#   RUSTC_BOOTSTRAP=1, since cargo-fuzz needs the unstable -Z sanitizer flags)
#
# The growing corpus is kept in fuzz/corpus/<target> (not committed) and findings go to
# fuzz/artifacts/<target>; reproduce one with `cargo fuzz run <target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-xmlrpc_decode username package}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

toolchain="${FUZZ_TOOLCHAIN:-}"
if [ -z "$toolchain" ]; then
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then toolchain=nightly; else toolchain=stable; fi
fi
if [ "$toolchain" != nightly ]; then
    # cargo-fuzz passes -Zsanitizer=...; a stable compiler accepts it with this switch.
    export RUSTC_BOOTSTRAP=1
fi
fuzz=(cargo "+$toolchain" fuzz)
echo "== cargo-fuzz on $toolchain$([ "$toolchain" != nightly ] && echo ' (RUSTC_BOOTSTRAP=1)'), ${seconds} s per target"

"${fuzz[@]}" build

summary=()
failed=0
for t in $targets; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    log="fuzz/artifacts/$t/last-run.log"
    marker=$(mktemp)
    echo "== fuzzing $t for ${seconds} s"
    status=0
    started=$SECONDS
    # The writable corpus first, the committed seeds read-only after it.
    "${fuzz[@]}" run "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
    took=$((SECONDS - started))
    stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
    execs=$(stat number_of_executed_units)
    rate=$(stat average_exec_per_sec)
    corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
    findings=$(find "fuzz/artifacts/$t" -type f -newer "$marker" \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'leak-*' -o -name 'oom-*' \) | wc -l)
    rm -f "$marker"
    if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
        findings="error (exit $status)"
    fi
    line="$t: ${execs:-?} executions in ${took} s (${rate:-?}/s), corpus ${corpus}, findings ${findings}"
    summary+=("$line")
    echo "   $line"
    if [ "$status" -ne 0 ]; then
        failed=1
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -n 8 || true
        echo "   full log: $log"
    fi
done

echo "== fuzzing summary"
printf '   %s\n' "${summary[@]}"
exit "$failed"
