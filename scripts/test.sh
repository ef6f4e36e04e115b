#!/usr/bin/env bash
# Every test: formatting, lints, the Rust suites, a quick run of the benchmarks, the PHP
# extension's suites, the conformance suite, the install test, the release packages' glibc floor and PHP ABIs, the PHP
# suites on PHP 8.4, the WHMCS stand-in, module and addon suites (illuminate 7.12 under both
# sql_modes, and 8.83), the security suite, the browser test and the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --workspace
echo "== benchmarks (quick mode: proves they run; figures come from 'make bench')"
cargo run --quiet -p aflexi-bench -- --quick
tests/php/module/bench-usage.sh 300 0
echo "== the PHP extension (PHPUnit, fork, PHP-FPM, memory)"
scripts/test-php-ext.sh
echo "== the client against XML-RPC servers that are not ours (Python's xmlrpc.server, odd answers), core and extension"
tests/conformance/run.sh
echo "== one-step install: package, install, upgrade, uninstall on a scratch WHMCS root"
tests/install/run.sh
echo "== release packages: glibc floor (GLIBC_2.17), one per PHP ABI, the wrong PHP refuses each"
tests/compat/run.sh
# The long concurrency drill (group "drill": OverlapTest, 40 s a leg) runs once, in the leg of
# what WHMCS runs (PHP 8.2, Illuminate 7.12, sql_mode ''); `make drill` runs it at full size.
echo "== every PHP suite on PHP 8.4 (Debian trixie root made by mmdebstrap, scripts/php84.sh)"
scripts/php84.sh test ext whmcs module addon -- --exclude-group drill
# The PHP suites on what a real WHMCS runs: illuminate/database 7.12 under sql_mode '' (WHMCS's)
# and MariaDB's strict default; the module and the addon once more on Debian's 8.83 (a WHMCS 9
# may bundle a newer Illuminate). docs/WHMCS-FIDELITY.md.
for mode in none strict; do
  echo "== the WHMCS stand-in's own suite (MariaDB; illuminate 7.12, sql_mode $mode)"
  WHMCS_ILLUMINATE=7.12 WHMCS_SQL_MODE=$mode tests/whmcs/run-phpunit.sh
done
for leg in "7.12 none" "7.12 strict" "8.83 none"; do
  read -r illuminate mode <<< "$leg"
  echo "== the WHMCS server module (PHPUnit on the stand-in, MariaDB, sandbox; illuminate $illuminate, sql_mode $mode)"
  WHMCS_ILLUMINATE=$illuminate WHMCS_SQL_MODE=$mode tests/php/module/run.sh
  echo "== the WHMCS addon (PHPUnit on the stand-in, MariaDB, sandbox; illuminate $illuminate, sql_mode $mode)"
  drills=(-- --exclude-group drill)
  [ "$leg" = "7.12 none" ] && drills=()
  WHMCS_ILLUMINATE=$illuminate WHMCS_SQL_MODE=$mode tests/php/addon/run.sh "${drills[@]}"
done
echo "== the security suite: hostile Aflexi API, redirects to a capture server, XSS, CSRF, secrets, sizes"
tests/php/security/run.sh
echo "== the addon's admin pages in headless Chromium (screenshots in build/screenshots)"
tests/php/addon/browser/run.sh
echo "== the demo (the seeds' story through the module and the addon)"
scripts/demo.sh
echo "== the demo fails when an outcome is wrong"
tests/demo/fails-when-wrong.sh
