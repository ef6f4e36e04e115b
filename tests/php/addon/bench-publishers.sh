#!/usr/bin/env bash
# The publishers page's figures (tests/php/addon/bench-publishers.php) on a private MariaDB
# (tests/whmcs/mariadb.sh, stopped on exit), with the release extension.
#
#   tests/php/addon/bench-publishers.sh [records]    default 100,000
set -euo pipefail
cd "$(dirname "$0")/../../.."
so=${AFLEXI_EXT_SO:-$PWD/target/release/libaflexi.so}
[ -f "$so" ] || { echo "missing $so: cargo build --release -p aflexi-php-ext" >&2; exit 1; }
AFLEXI_MARIADB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/aflexi-mariadb-bench-XXXXXX")
export AFLEXI_MARIADB_DIR
trap 'tests/whmcs/mariadb.sh stop >/dev/null 2>&1 || true' EXIT
tests/whmcs/mariadb.sh start >/dev/null
eval "$(tests/whmcs/mariadb.sh env)"
php -d extension="$so" -d memory_limit=1G tests/php/addon/bench-publishers.php "${1:-100000}"
