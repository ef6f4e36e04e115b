#!/usr/bin/env bash
# Installs what a fresh Debian machine with Rust lacks. Safe to run again: it only installs
# what is missing.
set -euo pipefail

need_rust_component() {
  cargo "$1" --version >/dev/null 2>&1 || rustup component add "$2"
}
need_rust_component fmt rustfmt
need_rust_component clippy clippy

# Debian packages: PHP 8.2 (the extension builds against php8.2-dev with bindgen, which needs
# libclang), PHP-FPM and cgi-fcgi for the extension's FPM test, PHPUnit, and what the WHMCS
# harness uses (MariaDB, Illuminate Database 8.83 for the second leg and, for the 7.12 that WHMCS
# ships, the dependencies it takes from Debian: psr/container, carbon, inflector, portable-ascii;
# the PDO drivers); headless Chromium and Bootstrap 3
# for the screenshots of the addon pages (tests/php/addon/browser/run.sh); openssl for the WHM
# client's test that an untrusted certificate is refused (aflexi-core/tests/whm.rs).
apt_packages=(
  php8.2-cli php8.2-dev php8.2-fpm php8.2-mysql php8.2-sqlite3 php8.2-xml php8.2-mbstring
  libclang-dev phpunit php-illuminate-database php-psr-container php-nesbot-carbon
  php-doctrine-inflector php-voku-portable-ascii mariadb-server-core mariadb-client-core libfcgi-bin smarty3
  chromium libjs-bootstrap openssl
)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${missing[@]}"
fi

# illuminate/database 7.12, what WHMCS 8.x bundles, into build/ (scripts/illuminate.sh).
scripts_dir=$(cd "$(dirname "$0")" && pwd)
"$scripts_dir/illuminate.sh" >/dev/null
