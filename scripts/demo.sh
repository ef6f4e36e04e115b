#!/usr/bin/env bash
# The main job: start the Aflexi sandbox and play the seeds' story through the core.
# Exits non-zero when any step's outcome is wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

cargo build --quiet -p aflexi-sandbox --bin aflexi-sandbox
cargo build --quiet -p aflexi-core --example story

log=$(mktemp)
"${CARGO_TARGET_DIR:-target}"/debug/aflexi-sandbox --listen 127.0.0.1:0 --operator demo-operator:demo-auth-key --latency-ms 5 >"$log" 2>&1 &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 100); do
  url=$(head -n 1 "$log" | sed -n 's/^listening on //p')
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the sandbox did not start:"; cat "$log"; exit 1; }
echo "Aflexi sandbox at $url"
echo
"${CARGO_TARGET_DIR:-target}"/debug/examples/story "$url/core/xmlrpc" demo-operator demo-auth-key
