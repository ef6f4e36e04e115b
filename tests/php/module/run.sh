#!/usr/bin/env bash
# Tests the WHMCS server module `aflexi` (whmcs-module/): builds the PHP extension and the
# Aflexi sandbox when needed (Smarty 3, for the client-area template test, comes from
# scripts/install-deps.sh), runs `php -l` on every module and test file, then the PHPUnit suite of
# tests/php/module on the WHMCS stand-in with a private MariaDB (tests/whmcs/run-phpunit.sh).
# Whatever the suite started (sandbox, MariaDB) is stopped on exit.
#
#   tests/php/module/run.sh                     release build (what ships)
#   tests/php/module/run.sh --debug             debug build
#   tests/php/module/run.sh --bench             then also tests/php/module/bench-calls.php and
#                                               bench-usage.php (10,000 services, 20 ms)
#   tests/php/module/run.sh -- --filter Seed    extra arguments go to PHPUnit
#
# Needs php8.2-cli, phpunit, php-illuminate-database, mariadb-server-core, smarty3, cargo
# (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../../.."

. scripts/php-suite.sh
PHP_SUITE_FLAGS=--bench php_suite_options "$@"
bench=0
[[ " ${suite_flags[*]} " == *" --bench "* ]] && bench=1
php_suite_build "$profile"
php_suite_lint whmcs-module tests/php/module tests/php/support
php_suite_children

echo "== PHPUnit (tests/php/module) on MariaDB"
export AFLEXI_SANDBOX_BIN="$sandbox" AFLEXI_EXT_SO="$so"
PHPUNIT="php -d extension=$so $(command -v phpunit)" \
  tests/whmcs/run-phpunit.sh -c tests/php/module/phpunit.xml "${phpunit_args[@]}"

if [ "$bench" = 1 ]; then
  echo "== bench: API calls per action, module vs the original plugin"
  php -d extension="$so" tests/php/module/bench-calls.php
  echo "== bench: UsageUpdate of 10,000 services, sandbox at 20 ms (private MariaDB)"
  tests/php/module/bench-usage.sh 10000 20
fi
