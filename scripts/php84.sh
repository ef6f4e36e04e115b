#!/usr/bin/env bash
# PHP 8.4 beside this host's PHP 8.2, without mixing Debian trixie's packages into the host: a
# trixie root made by mmdebstrap from the host's own Debian mirror (read from
# /etc/apt/sources.list*), cached in build/php84/root and remade only when the package list
# below changes (about a minute on an idle machine).
#
#   scripts/php84.sh root                       make or reuse the root; print its path
#   scripts/php84.sh dist [DIST ARGS]           the release package for PHP 8.4 (scripts/dist.sh
#                                               with php/php-config wrappers that run the root's)
#   scripts/php84.sh test [SUITE...] [-- PHPUnit ARGS]
#                                               builds that package, then runs the PHP suites
#                                               (ext, module, addon, whmcs; default ext) with the
#                                               root's PHP 8.4, php-fpm8.4, xdebug and PHPUnit
#   scripts/php84.sh run COMMAND [ARGS]         runs COMMAND in the root, in this folder
#
# The extension is built on the host (cargo-zigbuild, as every release package); only PHP runs
# in the root. Run as root: mmdebstrap, chroot and mounts. The mounts (proc, dev, a tmpfs on
# /tmp, this worktree at its own path so that paths mean the same inside and out) live in a
# private mount namespace that ends with the script.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(php8.4-cli php8.4-dev php8.4-fpm php8.4-xml php8.4-mbstring php8.4-mysql php8.4-sqlite3
  php8.4-xdebug phpunit libfcgi-bin php-illuminate-database smarty3 ca-certificates
  php-psr-container php-nesbot-carbon php-doctrine-inflector php-voku-portable-ascii)
work=$PWD
base=$work/build/php84
root=$base/root

usage() { sed -n '7,14p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 1 ] || usage
command=$1; shift
[ "$(id -u)" = 0 ] || { echo "$0: run as root (mmdebstrap, chroot, mounts)" >&2; exit 1; }

# The Debian mirror the host installs from (its first non-security deb source).
host_mirror() {
  if [ -n "${AFLEXI_DEBIAN_MIRROR:-}" ]; then echo "$AFLEXI_DEBIAN_MIRROR"; return; fi
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -E '^(deb|URIs:)[[:space:]]' | grep -o 'https\?://[^[:space:]]*' | grep -v security \
    | grep -E '/debian/?$' | head -1 || true
}

make_root() {
  local want have mirror started
  want=$(printf '%s\n' "${packages[@]}")
  have=$(cat "$root/.aflexi-packages" 2>/dev/null || true)
  if [ -x "$root/usr/bin/php8.4" ] && [ "$want" = "$have" ]; then return; fi
  command -v mmdebstrap >/dev/null || { echo "mmdebstrap not found: run scripts/install-deps.sh" >&2; exit 1; }
  mirror=$(host_mirror)
  [ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list*: set AFLEXI_DEBIAN_MIRROR" >&2; exit 1; }
  echo "== mmdebstrap trixie from $mirror into $root" >&2
  started=$(date +%s)
  rm -rf "$root.new"
  mkdir -p "$base"
  mmdebstrap --quiet --variant=apt --include="$(IFS=,; echo "${packages[*]}")" trixie "$root.new" "$mirror" >&2
  echo "$want" > "$root.new/.aflexi-packages"
  rm -rf "$root"
  mv "$root.new" "$root"
  echo "== the PHP 8.4 root is ready ($(( $(date +%s) - started )) s)" >&2
}

# Re-runs this script in a private mount namespace with the root's mounts in place.
in_namespace() {
  if [ -z "${AFLEXI_PHP84_NS:-}" ]; then
    AFLEXI_PHP84_NS=1 exec unshare --mount --propagation private -- "$work/scripts/php84.sh" "$command" "$@"
  fi
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/tmp"
  mkdir -p "$root$work"
  mount --bind "$work" "$root$work"
}

# php and php-config for the host's build: they run the root's, in the caller's folder when it
# is inside this worktree (mounted at the same path; else in /), and php-config's paths are
# given as the host sees them.
write_wrappers() {
  mkdir -p "$base/bin"
  cat > "$base/bin/php" <<SH
#!/bin/sh
exec chroot "$root" /bin/sh -c 'cd "\$0" 2>/dev/null || cd /; exec /usr/bin/php8.4 "\$@"' "\$PWD" "\$@"
SH
  cat > "$base/bin/php-config" <<SH
#!/bin/sh
case "\$1" in
  --php-binary) echo "$base/bin/php" ;;
  --includes) chroot "$root" /usr/bin/php-config8.4 --includes | sed 's#-I/#-I$root/#g' ;;
  --include-dir|--extension-dir) echo "$root\$(chroot "$root" /usr/bin/php-config8.4 "\$1")" ;;
  *) exec chroot "$root" /usr/bin/php-config8.4 "\$@" ;;
esac
SH
  chmod 0755 "$base/bin/php" "$base/bin/php-config"
}

dist() {
  write_wrappers
  scripts/dist.sh --php-config "$base/bin/php-config" "$@"
}

# Runs the PHPUnit suites named (ext, module, addon, whmcs; default ext) in the root with PHP
# 8.4 and trixie's PHPUnit, against the 8.4 package's aflexi.so and the host-built sandboxes.
# module, addon and whmcs get a private MariaDB (the host's mariadbd, tests/whmcs/mariadb.sh)
# whose socket is in this worktree, so the same path works inside.
test_suite() {
  local suites=() phpunit_args=() out pkg tmp_in started suite status=0 summary=()
  while [ $# -gt 0 ]; do
    case "$1" in
      ext|module|addon|whmcs) suites+=("$1") ;;
      --) shift; phpunit_args=("$@"); break ;;
      *) usage ;;
    esac
    shift
  done
  [ ${#suites[@]} -gt 0 ] || suites=(ext)
  echo "== the sandboxes (release)"
  # The same set as the PHP suites build (scripts/php-suite.sh), so that cargo reuses it.
  cargo build --release -p aflexi-php-ext -p aflexi-sandbox -p whm-sandbox
  out=$work/build/php84/dist
  dist --out "$out"
  pkg=$(readlink -f "$out/current")

  echo "== php8.4 -l"
  find tests/php tests/whmcs aflexi-php-ext whmcs-module whmcs-addon -name '*.php' -print0 \
    | chroot "$root" /bin/sh -c "cd '$work' && xargs -0 -n 50 /usr/bin/php8.4 -l" | { grep -v '^No syntax errors' || true; }

  # Whatever the suites start records its pid here; anything left is killed on exit, and the
  # MariaDB is stopped.
  tmp_in=/tmp/aflexi-php84
  tmp_host=$root$tmp_in   # global: the EXIT trap reads it
  mkdir -p "$tmp_host"
  export AFLEXI_MARIADB_DIR=$base/mariadb-$$
  trap 'for f in "$tmp_host"/child-*.pid; do [ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null; done
        tests/whmcs/mariadb.sh stop >/dev/null 2>&1 || true' EXIT
  if [[ " ${suites[*]} " != " ext " ]]; then
    tests/whmcs/mariadb.sh start
    eval "$(tests/whmcs/mariadb.sh env)"
  fi
  local env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
    AFLEXI_SANDBOX_BIN="$work/target/release/aflexi-sandbox" AFLEXI_WHM_BIN="$work/target/release/whm-sandbox"
    AFLEXI_EXT_SO="$pkg/aflexi.so" AFLEXI_TEST_TMP="$tmp_in" AFLEXI_PHP_FPM=/usr/sbin/php-fpm8.4
    PHPUNIT="/usr/bin/php8.4 -d extension=$pkg/aflexi.so /usr/bin/phpunit")
  local var
  for var in $(env | sed -n 's/^\(WHMCS_DB_[A-Z]*\)=.*/\1/p'); do env+=("$var=${!var}"); done
  for suite in "${suites[@]}"; do
    local config=tests/php/$suite/phpunit.xml
    [ "$suite" = whmcs ] && config=tests/whmcs/phpunit.xml
    echo "== PHPUnit ($config) on PHP $(chroot "$root" /usr/bin/php8.4 -r 'echo PHP_VERSION;') with $pkg/aflexi.so"
    started=$(date +%s)
    # The WHMCS suites through tests/whmcs/run-phpunit.sh, which uses the MariaDB of WHMCS_DB_*.
    local runner='exec $PHPUNIT "$@"' rc=0
    [ "$suite" = ext ] || runner='exec tests/whmcs/run-phpunit.sh "$@"'
    chroot "$root" /usr/bin/env -i "${env[@]}" /bin/bash -c "cd \"\$0\" && $runner" \
      "$work" -c "$config" "${phpunit_args[@]}" || rc=$?
    [ "$rc" = 0 ] || status=$rc
    summary+=("$suite: exit $rc, $(( $(date +%s) - started )) s;")
  done
  echo "== PHP 8.4: ${summary[*]}"
  return $status
}

case "$command" in
  root) make_root; echo "$root" ;;
  dist) make_root; in_namespace "$@"; dist "$@" ;;
  test) make_root; in_namespace "$@"; test_suite "$@" ;;
  run) [ $# -ge 1 ] || usage; make_root; in_namespace "$@"
    exec chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$work" "$@" ;;
  *) usage ;;
esac
