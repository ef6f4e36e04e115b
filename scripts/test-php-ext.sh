#!/usr/bin/env bash
# Tests the PHP extension `aflexi` as PHP loads it: builds the extension and the Aflexi
# sandbox, lints the PHP files, then runs the PHPUnit suite of tests/php/ext against the built
# .so (functions, client, exceptions, hostile input, fork, memory, and the PHP-FPM test with
# 4 workers and 1,000 requests). The suite's bootstrap starts the sandbox; the FPM test starts
# php-fpm. Whatever is left running is killed on exit. Exits non-zero on any failure.
#
#   scripts/test-php-ext.sh            release build (what ships; the FPM test takes ~10 s)
#   scripts/test-php-ext.sh --debug    debug build (quicker to build, slower to run)
#   scripts/test-php-ext.sh -- --filter ForkTest     extra arguments go to PHPUnit
#
# Needs what scripts/install-deps.sh installs (php8.2-cli/-dev/-fpm, libclang-dev, phpunit,
# libfcgi-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/php-suite.sh
php_suite_options "$@"
php_suite_build "$profile"
php_suite_lint tests/php/ext tests/php/support aflexi-php-ext

echo "== the extension loads"
php -n -d extension="$so" -r 'exit(extension_loaded("aflexi") ? 0 : 1);'
php -n -d extension="$so" --ri aflexi

php_suite_children

php_suite_ini_without_aflexi "$AFLEXI_TEST_TMP"

echo "== PHPUnit (tests/php/ext)"
AFLEXI_SANDBOX_BIN="$sandbox" AFLEXI_EXT_SO="$so" \
  php -d extension="$so" "$(command -v phpunit)" -c tests/php/ext/phpunit.xml "${phpunit_args[@]}"
