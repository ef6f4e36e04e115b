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

profile=release
phpunit_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --release) profile=release ;;
    --) shift; phpunit_args=("$@"); break ;;
    *) echo "usage: $0 [--debug|--release] [-- PHPUnit arguments]" >&2; exit 2 ;;
  esac
  shift
done

for tool in php phpunit cargo; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done

target_dir=$(cargo metadata --format-version 1 --no-deps | php -r 'echo json_decode(stream_get_contents(STDIN))->target_directory;')
so="$target_dir/$profile/libaflexi.so"
sandbox="$target_dir/$profile/aflexi-sandbox"
echo "== build the extension and the sandbox ($profile)"
cargo_profile=()
[ "$profile" = release ] && cargo_profile=(--release)
cargo build "${cargo_profile[@]}" -p aflexi-php-ext -p aflexi-sandbox

echo "== php -l"
lint_failed=0
while IFS= read -r -d '' file; do
  php -l "$file" >/dev/null || lint_failed=1
done < <(find whmcs-addon tests/php/addon tests/php/support -name '*.php' -print0)
[ "$lint_failed" = 0 ] || { echo "PHP syntax errors" >&2; exit 1; }

# Every child the suite starts records its pid here; the trap kills what is left.
AFLEXI_TEST_TMP=$(mktemp -d)
export AFLEXI_TEST_TMP
cleanup() {
  local f
  for f in "$AFLEXI_TEST_TMP"/child-*.pid; do
    [ -e "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  rm -rf "$AFLEXI_TEST_TMP"
}
trap cleanup EXIT INT TERM

echo "== PHPUnit (tests/php/addon) on MariaDB"
export AFLEXI_SANDBOX_BIN="$sandbox" AFLEXI_EXT_SO="$so"
PHPUNIT="php -d extension=$so $(command -v phpunit)" \
  tests/whmcs/run-phpunit.sh -c tests/php/addon/phpunit.xml "${phpunit_args[@]}"
