#!/usr/bin/env bash
# Builds the PHP extension `aflexi` (release) and installs it for PHP 8.2 on Debian:
#   - the .so into `php-config --extension-dir`, as aflexi.so;
#   - /etc/php/8.2/mods-available/aflexi.ini (extension=aflexi.so and the aflexi.* defaults);
#   - `phpenmod -v 8.2 -s cli aflexi` and `-s fpm` (and apache2 when it has a PHP 8.2 conf).
# Then checks that the CLI loads it. Restart php8.2-fpm (and Apache) to load it there.
#
#   scripts/install-extension.sh [--release] [--no-build]
#
# --release is the default and accepted for clarity; --no-build installs the .so already in
# target/release. Run as root (it writes under /usr/lib/php and /etc/php).
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --release) ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--release] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done

php_version=8.2
for tool in php-config phpenmod; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done
if [ "$(php-config --version | cut -d. -f1,2)" != "$php_version" ]; then
  echo "php-config reports PHP $(php-config --version), this installs for PHP $php_version" >&2
  exit 1
fi

if [ "$build" = 1 ]; then
  echo "== cargo build --release -p aflexi-php-ext"
  cargo build --release -p aflexi-php-ext
fi
target_dir=$(cargo metadata --format-version 1 --no-deps | php -r 'echo json_decode(stream_get_contents(STDIN))->target_directory;')
so="$target_dir/release/libaflexi.so"
[ -f "$so" ] || { echo "$so not found: build it first" >&2; exit 1; }

ext_dir=$(php-config --extension-dir)
echo "== install $so -> $ext_dir/aflexi.so"
install -D -m 0644 "$so" "$ext_dir/aflexi.so.new"
mv -f "$ext_dir/aflexi.so.new" "$ext_dir/aflexi.so"   # atomic: a running FPM keeps its mapping

ini="/etc/php/$php_version/mods-available/aflexi.ini"
echo "== write $ini"
install -d "$(dirname "$ini")"
cat > "$ini.new" <<'INI'
; The PHP extension aflexi: the Aflexi CDN integration for WHMCS.
; priority=20
extension=aflexi.so

; Defaults for every Aflexi\Client; options passed to the constructor override them.
; Keep aflexi.operation_timeout below max_execution_time and PHP-FPM's
; request_terminate_timeout: a call waiting inside the extension is not interrupted by them.
aflexi.connect_timeout = 5
aflexi.timeout = 20
aflexi.operation_timeout = 60
aflexi.concurrency = 16
INI
mv -f "$ini.new" "$ini"

echo "== phpenmod aflexi"
sapis=(cli fpm)
[ -d "/etc/php/$php_version/apache2" ] && sapis+=(apache2)
for sapi in "${sapis[@]}"; do
  if [ -d "/etc/php/$php_version/$sapi" ]; then
    phpenmod -v "$php_version" -s "$sapi" aflexi
    echo "   enabled for $sapi"
  fi
done

echo "== check"
php -m | grep -qx aflexi || { echo "php -m does not list aflexi" >&2; exit 1; }
php --ri aflexi
echo "Installed. Restart PHP-FPM (systemctl restart php$php_version-fpm) and Apache, if used."
