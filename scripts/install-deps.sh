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
# client's test that an untrusted certificate is refused (aflexi-core/tests/whm.rs); Apache with
# mod_php for the prefork drill (tests/php/ext/ApachePreforkTest.php, its own config only).
apt_packages=(
  php8.2-cli php8.2-dev php8.2-fpm php8.2-mysql php8.2-sqlite3 php8.2-xml php8.2-mbstring
  libclang-dev phpunit php-illuminate-database php-psr-container php-nesbot-carbon
  php-doctrine-inflector php-voku-portable-ascii mariadb-server-core mariadb-client-core libfcgi-bin smarty3
  chromium libjs-bootstrap openssl apache2 libapache2-mod-php8.2
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

# Release packages and their compatibility tests (scripts/dist.sh, scripts/php84.sh,
# tests/compat/run.sh, tests/php/ext/CoexistenceTest.php): cargo-zigbuild and zig link the
# extension against an old glibc, libclang 18 (the pip wheel) serves bindgen under zig (Debian
# 12's libclang 14 crashes there); mmdebstrap makes the PHP 8.4 root; Xdebug is installed for the
# coexistence test only and left disabled, so that no other PHP run here loads it. PECL's C
# XML-RPC extension (php8.2-xmlrpc) is installed the same way, for the decoding benchmark
# (tests/conformance/bench-decode.sh loads it with -d extension=xmlrpc.so).
if ! command -v cargo-zigbuild >/dev/null || ! python3 -m ziglang version >/dev/null 2>&1 \
  || ! python3 -c 'import clang' 2>/dev/null; then
  echo "installing with pip: cargo-zigbuild ziglang libclang"
  python3 -m pip install --quiet cargo-zigbuild ziglang libclang
fi
release_packages=()
for package in mmdebstrap php8.2-xdebug php8.2-xmlrpc; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || release_packages+=("$package")
done
if [ "${#release_packages[@]}" -gt 0 ]; then
  echo "installing: ${release_packages[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${release_packages[@]}"
fi
for module in xdebug xmlrpc; do
  if [ -n "$(find /etc/php/8.2 -path "*/conf.d/*$module.ini" 2>/dev/null)" ]; then
    phpdismod -v 8.2 -s ALL "$module"
  fi
done

# illuminate/database 7.12, what WHMCS 8.x bundles, into build/ (scripts/illuminate.sh).
scripts_dir=$(cd "$(dirname "$0")" && pwd)
"$scripts_dir/illuminate.sh" >/dev/null
