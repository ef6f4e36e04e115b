#!/usr/bin/env bash
# Tests the WHMCS addon `aflexi_cdn` (whmcs-addon/): builds the PHP extension and the Aflexi
# sandbox when needed, runs `php -l` on every addon and test file, then the PHPUnit suite of
# tests/php/addon on the WHMCS stand-in with a private MariaDB (tests/whmcs/run-phpunit.sh).
# Whatever the suite started (sandbox, MariaDB) is stopped on exit.
#
#   tests/php/addon/run.sh                     release build (what ships)
#   tests/php/addon/run.sh --debug             debug build
#   tests/php/addon/run.sh -- --filter Seed    extra arguments go to PHPUnit
#
# Needs php8.2-cli, phpunit, php-illuminate-database, mariadb-server-core, cargo
# (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../../.."

. scripts/php-suite.sh
php_suite_options "$@"
php_suite_build "$profile"
php_suite_lint whmcs-addon tests/php/addon tests/php/support
php_suite_children

echo "== PHPUnit (tests/php/addon) on MariaDB"
export AFLEXI_SANDBOX_BIN="$sandbox" AFLEXI_EXT_SO="$so" AFLEXI_WHM_BIN="$whm"
PHPUNIT="php -d extension=$so $(command -v phpunit)" \
  tests/whmcs/run-phpunit.sh -c tests/php/addon/phpunit.xml "${phpunit_args[@]}"
