#!/usr/bin/env bash
# Tests the WHMCS server module `aflexi` (whmcs-module/): builds the PHP extension and the
# Aflexi sandbox when needed, installs Smarty 3 for the client-area template test when it is
# missing, runs `php -l` on every module and test file, then the PHPUnit suite of
# tests/php/module on the WHMCS stand-in with a private MariaDB (tests/whmcs/run-phpunit.sh).
# Whatever the suite started (sandbox, MariaDB) is stopped on exit.
#
#   tests/php/module/run.sh                     release build (what ships)
#   tests/php/module/run.sh --debug             debug build
#   tests/php/module/run.sh --bench             then also tests/php/module/bench-calls.php
#   tests/php/module/run.sh -- --filter Seed    extra arguments go to PHPUnit
#
# Needs php8.2-cli, phpunit, php-illuminate-database, mariadb-server-core, cargo
# (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../../.."

profile=release
bench=0
phpunit_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --release) profile=release ;;
    --bench) bench=1 ;;
    --) shift; phpunit_args=("$@"); break ;;
    *) echo "usage: $0 [--debug|--release] [--bench] [-- PHPUnit arguments]" >&2; exit 2 ;;
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

if [ ! -f /usr/share/php/smarty3/Smarty.class.php ]; then
  echo "== install smarty3 (renders the client-area template in the tests)"
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q smarty3 >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q smarty3 >/dev/null; }
  else
    echo "smarty3 is missing and this is not root: apt-get install smarty3" >&2; exit 1
  fi
fi

echo "== php -l"
lint_failed=0
while IFS= read -r -d '' file; do
  php -l "$file" >/dev/null || lint_failed=1
done < <(find whmcs-module tests/php/module tests/php/support -name '*.php' -print0)
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

echo "== PHPUnit (tests/php/module) on MariaDB"
export AFLEXI_SANDBOX_BIN="$sandbox" AFLEXI_EXT_SO="$so"
PHPUNIT="php -d extension=$so $(command -v phpunit)" \
  tests/whmcs/run-phpunit.sh -c tests/php/module/phpunit.xml "${phpunit_args[@]}"

if [ "$bench" = 1 ]; then
  echo "== bench: API calls per action, module vs the original plugin"
  php -d extension="$so" tests/php/module/bench-calls.php
fi
