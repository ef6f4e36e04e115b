#!/usr/bin/env bash
# Browser test of the addon `aflexi_cdn`: its admin pages, served from the WHMCS stand-in by
# router.php (PHP's built-in server) with demo data synchronized to a real aflexi-sandbox, are
# rendered by headless Chromium; screenshots go to build/screenshots/ (untracked, so `make test`
# leaves the working tree as it found it), and the products page's DOM is checked for real data
# and for the hostile product name being escaped.
#
#   tests/php/addon/browser/run.sh            release build (target/release), must be built
#   tests/php/addon/browser/run.sh --debug    debug build
#   SCREENSHOTS_DIR=docs/screenshots tests/php/addon/browser/run.sh
#                                             refresh the README's screenshots (`make screenshots`)
#
# Builds and installs nothing. Needs what tests/php/addon/run.sh needs plus the Debian
# packages chromium and libjs-bootstrap (scripts/install-deps.sh). No network access is used.
# Starts a private MariaDB, the sandbox and `php -S`, and stops them however it ends.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
repo=$PWD
start=$(date +%s)
shots=${SCREENSHOTS_DIR:-build/screenshots}

profile=release
case "${1:-}" in
  --debug) profile=debug ;;
  --release|"") ;;
  *) echo "usage: $0 [--debug|--release]" >&2; exit 2 ;;
esac
target=${CARGO_TARGET_DIR:-$repo/target}
so=$target/$profile/libaflexi.so
sandbox_bin=${AFLEXI_SANDBOX_BIN:-$target/$profile/aflexi-sandbox}
[ -f "$so" ] && [ -x "$sandbox_bin" ] || { echo "missing $so or $sandbox_bin: cargo build ${profile/release/--release} -p aflexi-php-ext -p aflexi-sandbox" >&2; exit 1; }
for tool in php chromium curl; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done
[ -f /usr/share/javascript/bootstrap/css/bootstrap.min.css ] || { echo "libjs-bootstrap missing: run scripts/install-deps.sh" >&2; exit 1; }

tmp=$(mktemp -d)
sandbox_pid='' php_pid=''
export AFLEXI_MARIADB_DIR=$tmp/mariadb
cleanup() {
  [ -n "$php_pid" ] && kill "$php_pid" 2>/dev/null || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  tests/whmcs/mariadb.sh stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port (bound and released by PHP; a race is possible but unlikely).
free_port() { php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];'; }

echo "== MariaDB"
tests/whmcs/mariadb.sh start >/dev/null
eval "$(tests/whmcs/mariadb.sh env)"

echo "== aflexi-sandbox"
operator=acme authkey="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
mkfifo "$tmp/sandbox.out"
"$sandbox_bin" --listen 127.0.0.1:0 --operator "$operator:$authkey" >"$tmp/sandbox.out" 2>"$tmp/sandbox.err" &
sandbox_pid=$!
exec 3<"$tmp/sandbox.out"
read -r -t 20 line <&3 || true
[[ "$line" =~ ^listening\ on\ http://([0-9.:]+)$ ]] || { echo "the sandbox did not start: $line $(cat "$tmp/sandbox.err")" >&2; exit 1; }
sandbox_hostport=${BASH_REMATCH[1]}
cat <&3 >/dev/null &   # keep draining its stdout

echo "== php -S"
mkdir -p "$tmp/rootdir"
port=$(free_port)
base=http://127.0.0.1:$port
AFLEXI_SANDBOX_HOSTPORT=$sandbox_hostport AFLEXI_DEMO_OPERATOR=$operator AFLEXI_DEMO_AUTHKEY=$authkey \
AFLEXI_DEMO_STATE=$tmp/demo-state.json WHMCS_ROOTDIR=$tmp/rootdir \
  php -d extension="$so" -d display_errors=stderr -S "127.0.0.1:$port" tests/php/addon/browser/router.php >"$tmp/php.log" 2>&1 &
php_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "$base/bootstrap.min.css" && break; sleep 0.1; done

echo "== seed demo data (Save Settings + Apply against the sandbox)"
demo=$(curl -sf --max-time 120 "$base/_demo") || { echo "seeding failed:" >&2; curl -s "$base/_demo" >&2; tail -20 "$tmp/php.log" >&2; exit 1; }
run=$(php -r 'echo json_decode($argv[1], true)["run"];' "$demo")
echo "run #$run"

page=$base/addonmodules.php?module=aflexi_cdn
chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$(mktemp -d -p "$tmp")" --window-size=1280,900 "$@" 2>>"$tmp/chromium.log"
}

echo "== DOM of the products page"
dom=$(chrome --dump-dom "$page")
failures=0
check() { # check <description> <grep -E pattern> [absent]
  if grep -qE -- "$2" <<<"$dom"; then found=1; else found=0; fi
  if [ "${3:-}" = absent ]; then [ "$found" = 0 ]; else [ "$found" = 1 ]; fi \
    && echo "ok   $1" || { echo "FAIL $1" >&2; failures=$((failures + 1)); }
}
check 'product "Starter Hosting" listed' '<td>Starter Hosting</td>'
check 'product "Business Hosting" listed' '<td>Business Hosting</td>'
check 'CDN enabled on a product (checked box)' 'checked="checked"'
check 'hostile product name shown escaped' '<td>&lt;script&gt;alert\(1\)&lt;/script&gt; Hosting</td>'
check 'no raw <script>alert(1)' '<script>alert\(1\)' absent
dom_publishers=$(chrome --dump-dom "$page&action=publishers")
grep -q '<td>zoeweb</td>' <<<"$dom_publishers" && grep -q 'Zoë Ångström' <<<"$dom_publishers" \
  && echo "ok   publisher zoeweb of Zoë Ångström on Show Synchronized Publishers" \
  || { echo "FAIL publisher zoeweb missing on Show Synchronized Publishers" >&2; failures=$((failures + 1)); }

# A GET of the packages page never calls the API: it offers the POST (with the CSRF token) that
# reads them (the suites check the list itself).
dom_packages=$(chrome --dump-dom "$page&action=packages")
grep -q 'name="token"' <<<"$dom_packages" && grep -q 'Load the packages from Aflexi' <<<"$dom_packages" \
  && echo "ok   packages page offers the POST that reads them from Aflexi" \
  || { echo "FAIL packages page without its Load button" >&2; failures=$((failures + 1)); }

echo "== screenshots ($shots/)"
mkdir -p "$shots"
shoot() { # shoot <name> <url>: also fails when the page shows an error (alert-danger)
  # (the virtual time lets a page that submits a form, like the client login, reach its target)
  local png=$shots/$1.png size
  rm -f "$png"
  if chrome --virtual-time-budget=15000 --dump-dom "$2" | grep -q 'alert-danger'; then echo "FAIL $1 page shows an error" >&2; failures=$((failures + 1)); fi
  chrome --virtual-time-budget=15000 --hide-scrollbars --screenshot="$png" "$2" >/dev/null
  size=$(stat -c %s "$png" 2>/dev/null || echo 0)
  if [ "$size" -gt 10240 ]; then echo "ok   $png ($size bytes)"; else echo "FAIL $png ($size bytes)" >&2; failures=$((failures + 1)); fi
}
shoot products "$page"
shoot preview "$page&action=save&demo=preview"
shoot report "$page&action=step&run=$run"
shoot publishers "$page&action=publishers"
shoot packages "$page&action=packages"
. tests/php/addon/browser/publishers.sh
. tests/php/addon/browser/chart.sh

. tests/php/addon/browser/audit.sh   # run history, report, retry, password audit

. tests/php/addon/browser/sso.sh

if grep -qiE 'fatal|warning|deprecated|notice' "$tmp/php.log"; then
  echo "FAIL PHP reported problems:" >&2; grep -iE 'fatal|warning|deprecated|notice' "$tmp/php.log" | head -20 >&2
  failures=$((failures + 1))
fi
echo "== $failures failure(s), $(( $(date +%s) - start )) s"
[ "$failures" = 0 ]
