#!/usr/bin/env bash
# Makes the illuminate/database 7.12 that WHMCS 8.x ships ready for the WHMCS stand-in, in
# build/illuminate-7.12 (never in the source tree), and prints that folder. Safe to run again.
#
# It comes from ../shared/vendor/illuminate-7.12 beside the checkout when that is there (the
# upstream v7.12.0 archives of illuminate/database, support, container and contracts: the four
# PSR-4 roots database/ support/ container/ contracts/, whose other dependencies come from
# Debian's packages, see scripts/install-deps.sh), else from Packagist with Composer
# (illuminate/database:7.12.*, into vendor/). tests/whmcs/illuminate-7.12.php loads either.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/build/illuminate-7.12"
if [ -f "$dest/.complete" ]; then
  echo "$dest"
  exit 0
fi

mkdir -p "$root/build"
tmp=$(mktemp -d "$root/build/.illuminate-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
vendor="$root/../shared/vendor/illuminate-7.12"
if [ -d "$vendor" ]; then
  for package in database support container contracts; do
    tar -xzf "$vendor/illuminate-$package-v7.12.0.tar.gz" -C "$tmp"
  done
else
  if ! command -v composer >/dev/null; then
    echo "illuminate.sh: $vendor is not there and composer is not installed (apt-get install composer)" >&2
    exit 1
  fi
  echo "illuminate.sh: $vendor is not there: illuminate/database:7.12.* from Packagist" >&2
  (cd "$tmp" && composer require --no-interaction --quiet 'illuminate/database:7.12.*')
fi
touch "$tmp/.complete"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "$dest"
