#!/usr/bin/env bash
# The decoding benchmark (`make bench`, docs/BENCHMARKS.md "Decoding"): the same XML-RPC answers (a ~5 MB
# stats.getSummaries answer and a page of 10,000 publisher links) decoded into values by this
# extension (into PHP values), PECL's C xmlrpc_decode (into PHP values) and Python's
# xmlrpc.client.loads, in one run; prints a Markdown table of MB/s (best of 5 each).
#
#   tests/conformance/bench-decode.sh [path/to/libaflexi.so]   (default: the release build)
#
# Needs php8.2-xmlrpc (scripts/install-deps.sh installs it disabled; it is loaded here only).
set -euo pipefail
cd "$(dirname "$0")/../.."
so=${1:-$PWD/target/release/libaflexi.so}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 tests/conformance/bench_decode.py bodies "$dir"
{
  php -n -d extension=xmlrpc.so -d extension="$so" tests/conformance/bench-decode.php "$dir"
  python3 tests/conformance/bench_decode.py time "$dir" | sed 's/^\([a-z]*\) /\1 python /'
} >"$dir/times"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| answer | bytes | aflexi (MB/s) | PECL C xmlrpc_decode (MB/s) | Python xmlrpc.client (MB/s) | aflexi / C | aflexi / Python |"
echo "|---|---:|---:|---:|---:|---:|---:|"
awk '
  { rate[$1, $2] = $3 / $4 / 1e6; bytes[$1] = $3 }
  END {
    split("stats publishers", names, " ")
    for (i = 1; i <= 2; i++) {
      n = names[i]
      printf "| %s | %d | %.0f | %.0f | %.0f | %.1fx | %.1fx |\n", n, bytes[n],
        rate[n, "aflexi"], rate[n, "pecl-c"], rate[n, "python"],
        rate[n, "aflexi"] / rate[n, "pecl-c"], rate[n, "aflexi"] / rate[n, "python"]
    }
  }' "$dir/times"
