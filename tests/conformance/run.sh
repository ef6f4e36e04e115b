#!/usr/bin/env bash
# The conformance suite: the Aflexi client against an XML-RPC server that is not
# ours, tests/conformance/server.py (Python's standard xmlrpc.server plus hand-written answers).
#
#   1. the core client: cargo test --test conformance, and --test trust_store (the same server,
#      with the host's trust store hidden through SSL_CERT_FILE / SSL_CERT_DIR);
#   2. the PHP extension, from PHP: the PHPUnit suite of tests/conformance/php, then the same
#      suite again with the trust store hidden.
#
#   tests/conformance/run.sh            release build of the extension (what ships)
#   tests/conformance/run.sh --debug    debug build
#
# Needs python3, openssl, and what scripts/install-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/../.."

. scripts/php-suite.sh
php_suite_options "$@"
command -v python3 >/dev/null || { echo "python3 not found" >&2; exit 1; }

echo "== core client against tests/conformance/server.py"
cargo test -p aflexi-core --test conformance --test trust_store

php_suite_build "$profile"
php_suite_lint tests/conformance/php
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
php_suite_ini_without_aflexi "$work"
phpunit_run() {
  php -d extension="$so" "$(command -v phpunit)" -c tests/conformance/php/phpunit.xml "${phpunit_args[@]}"
}

echo "== the extension against tests/conformance/server.py"
phpunit_run

echo "== the same, with no readable trust store"
mkdir -p "$work/no-certs"
: >"$work/no-certs/empty.pem"
SSL_CERT_FILE="$work/no-certs/empty.pem" SSL_CERT_DIR="$work/no-certs" phpunit_run
