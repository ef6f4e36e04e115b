#!/usr/bin/env bash
# Proves the demo can fail: with one expectation deliberately wrong (AFLEXI_DEMO_BREAK, see
# tests/demo/Narrator.php) scripts/demo.sh must exit non-zero and name the wrong outcome.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
out=$(AFLEXI_DEMO_BREAK='suspended on both sides' scripts/demo.sh 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q '^DEMO FAILED: 1 of' <<<"$out" && grep -q '✗ scene 5: suspended on both sides' <<<"$out"; then
  echo "ok   the demo exits $rc and names the wrong outcome"
else
  echo "FAIL the demo did not fail as it should (exit $rc):" >&2
  tail -20 <<<"$out" >&2
  exit 1
fi
