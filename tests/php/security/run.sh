#!/usr/bin/env bash
# The security suite (docs/SECURITY.md): the core's Aflexi and WHM clients against a server that
# redirects to a capture server on another loopback port (cargo test --test redirect); then, on
# the WHMCS stand-in with a private MariaDB, the server module against a hostile fake Aflexi API
# (redirects, echoed requests, HTML in faults, huge and deep answers) and the welcome e-mail
# with hostile fields (tests/php/security/module), and the addon's admin pages: CSRF on every
# action, GET without API calls, XSS payloads, secrets in pages, sizes (tests/php/security/addon).
#
#   tests/php/security/run.sh                  release build (what ships)
#   tests/php/security/run.sh --debug          debug build
#   tests/php/security/run.sh -- --filter Csrf extra arguments go to PHPUnit (both halves)
#
# The findings' other regression tests live next to the code they test: UsageUpdate bounds in
# tests/php/module/UsageUpdateTest.php, the batch conversion in tests/php/ext/ClientTest.php,
# the masking rule in aflexi-core/src/secret.rs.
set -euo pipefail
cd "$(dirname "$0")/../../.."

. scripts/php-suite.sh
php_suite_options "$@"

echo "== redirects are never followed (aflexi-core/tests/redirect.rs)"
cargo test -p aflexi-core --test redirect

php_suite_build "$profile"
php_suite_lint tests/php/security
php_suite_children

export AFLEXI_SANDBOX_BIN="$sandbox" AFLEXI_EXT_SO="$so" AFLEXI_WHM_BIN="$whm"
for half in module addon; do
  echo "== PHPUnit (tests/php/security/$half) on MariaDB"
  PHPUNIT="php -d extension=$so $(command -v phpunit)" \
    tests/whmcs/run-phpunit.sh -c "tests/php/security/$half/phpunit.xml" "${phpunit_args[@]}"
done
