#!/usr/bin/env bash
# Installs the PHP extension `aflexi` for this machine's PHP, from the repository: builds the
# release package (scripts/dist.sh --native: for this host, into a temporary folder) and runs its
# `install.sh --extension-only`, the one installer (packaging/install.sh): the .so into
# `php-config --extension-dir`; on Debian/Ubuntu /etc/php/X.Y/mods-available/aflexi.ini enabled
# for every SAPI with phpenmod and PHP-FPM reloaded under systemd; then `php -m` and the
# version are checked. --uninstall disables and removes it (no build needed).
#
#   scripts/install-extension.sh [--release] [--no-build] [--no-reload] [--php-config PATH] [--dry-run]
#   scripts/install-extension.sh --uninstall [--no-reload] [--php-config PATH] [--dry-run]
#
# --release is the default and accepted for clarity; --no-build packages the .so already in
# target/release. Run as root (it writes under /usr/lib/php and /etc/php). To install the
# WHMCS modules as well: make install WHMCS_ROOT=/path/to/whmcs.
set -euo pipefail
cd "$(dirname "$0")/.."

dist_args=()
install_args=()
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --release) ;;
    --no-build) dist_args+=(--no-build) ;;
    --uninstall) uninstall=1 ;;
    --no-reload|--dry-run) install_args+=("$1") ;;
    --php-config) [ $# -ge 2 ] || exit 2; install_args+=("$1" "$2"); dist_args+=("$1" "$2"); shift ;;
    *) sed -n '9,10p' "$0" | sed 's/^# */usage: /' >&2; exit 2 ;;
  esac
  shift
done

if [ "$uninstall" = 1 ]; then
  exec packaging/install.sh --extension-only --uninstall "${install_args[@]}"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/dist.sh --native "${dist_args[@]}" --out "$tmp"
"$tmp/current/install.sh" --extension-only "${install_args[@]}"
