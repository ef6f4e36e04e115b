#!/usr/bin/env bash
# The UsageUpdate benchmark (tests/php/module/bench-usage.php) with what it needs: the release
# build of the extension and the sandbox, and a private MariaDB stopped on exit.
#
#   tests/php/module/bench-usage.sh 10000 20    the figures of docs/BENCHMARKS.md (make bench)
#   tests/php/module/bench-usage.sh 300 0       quick: proves it runs (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/../../.."

. scripts/php-suite.sh
php_suite_build release
php_suite_children
export AFLEXI_SANDBOX_BIN="$sandbox"
AFLEXI_MARIADB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/aflexi-mariadb-bench-XXXXXX")
export AFLEXI_MARIADB_DIR
trap 'tests/whmcs/mariadb.sh stop >/dev/null 2>&1 || true; php_suite_cleanup' EXIT
tests/whmcs/mariadb.sh start
eval "$(tests/whmcs/mariadb.sh env)"
php -d extension="$so" tests/php/module/bench-usage.php "${1:-10000}" "${2:-20}"
