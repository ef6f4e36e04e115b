#!/usr/bin/env bash
# Tests the release packages as a WHMCS host meets them: builds the package for this host's
# PHP (8.2) and for PHP 8.4 (the Debian trixie root of scripts/php84.sh), then checks that
#   - each aflexi.so needs no glibc newer than the floor of scripts/glibc-floor.sh (its
#     versioned symbols, objdump -T / -p), and the check itself fails on a .so that does;
#   - each package's name carries its PHP API number and architecture, and BUILD-INFO the
#     glibc it needs;
#   - each loads in its own PHP and PHP refuses it in the other, with PHP's own message
#     ("Module compiled with module API=...").
#
#   tests/compat/run.sh            (as root: the PHP 8.4 root needs chroot)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/glibc-floor.sh

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "   ok: $*"; }
[ "$(id -u)" = 0 ] || fail "run as root (scripts/php84.sh needs chroot)"

out=$PWD/build/compat
echo "== the packages for PHP 8.2 (host) and PHP 8.4 (trixie root)"
scripts/dist.sh --out "$out/php82"
scripts/php84.sh dist --out "$out/php84"
pkg82=$(readlink -f "$out/php82/current")
pkg84=$(readlink -f "$out/php84/current")
php84() { scripts/php84.sh run /usr/bin/php8.4 "$@"; }

echo "== glibc floor GLIBC_$GLIBC_FLOOR"
# The check must be able to fail: PHP's own opcache.so, built against this host's glibc.
control=$(php-config --extension-dir)/opcache.so
needed=$(glibc_needed "$control")
version_le "$needed" "$GLIBC_FLOOR" && fail "no control: $control needs only GLIBC_$needed"
if glibc_check "$control" 2>"$out/control.txt"; then fail "glibc_check accepted $control (GLIBC_$needed)"; fi
grep -q "needs GLIBC_$needed, above the floor" "$out/control.txt" || fail "glibc_check did not name GLIBC_$needed: $(cat "$out/control.txt")"
ok "the check refuses $control (GLIBC_$needed) and lists its $(grep -c '^  GLIBC_' "$out/control.txt") symbols above the floor"
for pkg in "$pkg82" "$pkg84"; do
  glibc_check "$pkg/aflexi.so" || fail "$pkg/aflexi.so is above the floor"
  needed=$(glibc_needed "$pkg/aflexi.so")
  grep -qx "glibc_needed=$needed" "$pkg/BUILD-INFO" || fail "$pkg/BUILD-INFO does not say glibc_needed=$needed"
  ok "$(basename "$pkg"): highest glibc symbol GLIBC_$needed (floor $GLIBC_FLOOR)"
done

echo "== names: PHP API number and architecture"
api82=$(php-config --phpapi)
api84=$(php84 -i | sed -n 's/^PHP API => //p')
arch=$(uname -m)
case "$(basename "$pkg82")" in *"-php8.2-api$api82-nts-$arch") ;; *) fail "$(basename "$pkg82") lacks api$api82-nts-$arch" ;; esac
case "$(basename "$pkg84")" in *"-php8.4-api$api84-nts-$arch") ;; *) fail "$(basename "$pkg84") lacks api$api84-nts-$arch" ;; esac
for pkg in "$pkg82" "$pkg84"; do
  (cd "$(dirname "$pkg")" && sha256sum --quiet -c "$(basename "$pkg").tar.gz.sha256") || fail "$pkg.tar.gz.sha256 does not verify"
  for f in aflexi.so aflexi.ini aflexi.stubs.php INSTALL.txt install.sh BUILD-INFO SHA256SUMS \
    modules/servers/aflexi/aflexi.php modules/addons/aflexi_cdn/aflexi_cdn.php; do
    [ -f "$pkg/$f" ] || fail "$(basename "$pkg") has no $f"
  done
done
ok "$(basename "$pkg82"), $(basename "$pkg84"): names, files, checksums"

echo "== each loads in its PHP, the other PHP refuses it with PHP's message"
version=$(sed -n 's/^version=//p' "$pkg82/BUILD-INFO")
[ "$(php -n -d extension="$pkg82/aflexi.so" -r 'echo phpversion("aflexi");')" = "$version" ] || fail "the 8.2 package does not load in PHP 8.2"
[ "$(php84 -n -d extension="$pkg84/aflexi.so" -r 'echo phpversion("aflexi");')" = "$version" ] || fail "the 8.4 package does not load in PHP 8.4"
# Refused: PHP warns at startup and runs without the extension.
refused() {
  local message=$1; shift
  local said
  said=$("$@" -n -d display_startup_errors=1 -d extension="$pkg/aflexi.so" -r 'echo extension_loaded("aflexi") ? "LOADED" : "absent";' 2>&1 || true)
  case "$said" in *LOADED*) fail "$pkg/aflexi.so loaded in the wrong PHP: $said" ;; esac
  echo "$said" | grep -qF "$message" || fail "PHP did not say '$message': $said"
  ok "$1 refuses $(basename "$pkg"): $(echo "$said" | grep 'compiled with module API' | tr -s ' ' | paste -sd';')"
}
pkg=$pkg84 refused "Module compiled with module API=$api84" php
pkg=$pkg82 refused "Module compiled with module API=$api82" php84
echo "== compat test: all passed"
