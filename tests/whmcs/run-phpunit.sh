#!/usr/bin/env bash
# Runs PHPUnit against the WHMCS stand-in with a database:
#
#   tests/whmcs/run-phpunit.sh                          the stand-in's own suite
#   tests/whmcs/run-phpunit.sh --filter SendEmail       ... with PHPUnit arguments
#   tests/whmcs/run-phpunit.sh -c tests/whmcs-module/phpunit.xml   another suite whose bootstrap
#                                                       requires tests/whmcs/bootstrap.php
#   PHPUNIT="php -d extension=$PWD/target/release/libaflexi.so /usr/bin/phpunit" \
#     tests/whmcs/run-phpunit.sh -c ...                 PHPUnit through a custom PHP command line
#
# When WHMCS_DB_DRIVER is already set (a MariaDB from `tests/whmcs/mariadb.sh start` with its
# env eval'd, or WHMCS_DB_DRIVER=sqlite) that database is used as is. Otherwise a private
# MariaDB is started for this run (its own state directory, so runs in parallel do not meet)
# and stopped when the run ends, however it ends. Exits with PHPUnit's status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${WHMCS_DB_DRIVER:-}" ]; then
  AFLEXI_MARIADB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/aflexi-mariadb-run-XXXXXX")
  export AFLEXI_MARIADB_DIR
  cleanup() { "$here/mariadb.sh" stop >/dev/null 2>&1 || true; }
  trap cleanup EXIT
  "$here/mariadb.sh" start
  eval "$("$here/mariadb.sh" env)"
fi

has_config=0
for arg in "$@"; do
  case "$arg" in -c|--configuration|--configuration=*) has_config=1 ;; esac
done
config=()
[ $has_config = 1 ] || config=(-c "$here/phpunit.xml")

read -r -a phpunit <<< "${PHPUNIT:-phpunit}"
# In the background so that a TERM/INT sent to this script is handled at once (passed on to
# PHPUnit, then the EXIT trap stops MariaDB) instead of after PHPUnit ends.
"${phpunit[@]}" "${config[@]}" "$@" &
child=$!
trap 'kill -INT "$child" 2>/dev/null; exit 130' INT
trap 'kill -TERM "$child" 2>/dev/null; exit 143' TERM
status=0
wait "$child" || status=$?
exit $status
