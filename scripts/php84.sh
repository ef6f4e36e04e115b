#!/usr/bin/env bash
# PHP 8.4 beside this host's PHP 8.2, without mixing Debian trixie's packages into the host: a
# trixie root made by mmdebstrap from the host's own Debian mirror (read from
# /etc/apt/sources.list*), cached in build/php84/root and remade only when the package list
# below changes (about a minute on an idle machine).
#
#   scripts/php84.sh root                       make or reuse the root; print its path
#   scripts/php84.sh dist [DIST ARGS]           the release package for PHP 8.4 (scripts/dist.sh
#                                               with php/php-config wrappers that run the root's)
#   scripts/php84.sh test [-- PHPUnit ARGS]     builds that package, then runs the extension's
#                                               suite (tests/php/ext) with the root's PHP 8.4,
#                                               php-fpm8.4, xdebug and PHPUnit against its aflexi.so
#   scripts/php84.sh run COMMAND [ARGS]         runs COMMAND in the root, in this folder
#
# The extension is built on the host (cargo-zigbuild, as every release package); only PHP runs
# in the root. Run as root: mmdebstrap, chroot and mounts. The mounts (proc, dev, a tmpfs on
# /tmp, this worktree at its own path so that paths mean the same inside and out) live in a
# private mount namespace that ends with the script.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(php8.4-cli php8.4-dev php8.4-fpm php8.4-xml php8.4-mbstring php8.4-mysql php8.4-sqlite3
  php8.4-xdebug phpunit libfcgi-bin)
work=$PWD
base=$work/build/php84
root=$base/root

usage() { sed -n '7,13p' "$0" | sed 's/^# *//' >&2; exit 2; }
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
    AFLEXI_PHP84_NS=1 exec unshare --mount --propagation private -- "$0" "$command" "$@"
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

test_suite() {
  local phpunit_args=() out pkg tmp_in tmp_host started
  if [ $# -gt 0 ]; then
    [ "$1" = -- ] || usage
    shift; phpunit_args=("$@")
  fi
  echo "== the sandbox (release)"
  cargo build --release -p aflexi-sandbox
  out=$work/build/php84/dist
  dist --out "$out"
  pkg=$(readlink -f "$out/current")

  echo "== php8.4 -l"
  find tests/php aflexi-php-ext whmcs-module whmcs-addon -name '*.php' -print0 \
    | chroot "$root" /bin/sh -c "cd '$work' && xargs -0 -n 50 /usr/bin/php8.4 -l" | { grep -v '^No syntax errors' || true; }

  # Whatever the suite starts records its pid here; anything left is killed on exit.
  tmp_in=/tmp/aflexi-php84
  tmp_host=$root$tmp_in
  mkdir -p "$tmp_host"
  trap 'for f in "$tmp_host"/child-*.pid; do [ -e "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null; done; true' EXIT
  echo "== PHPUnit (tests/php/ext) on $(chroot "$root" /usr/bin/php8.4 -r 'echo PHP_VERSION;') with $pkg/aflexi.so"
  started=$(date +%s)
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    AFLEXI_SANDBOX_BIN="$work/target/release/aflexi-sandbox" AFLEXI_EXT_SO="$pkg/aflexi.so" \
    AFLEXI_TEST_TMP="$tmp_in" AFLEXI_PHP_FPM=/usr/sbin/php-fpm8.4 \
    /bin/sh -c 'cd "$0" && exec /usr/bin/php8.4 -d extension="$AFLEXI_EXT_SO" /usr/bin/phpunit "$@"' \
    "$work" -c tests/php/ext/phpunit.xml "${phpunit_args[@]}"
  echo "== PHP 8.4 suite: $(( $(date +%s) - started )) s"
}

case "$command" in
  root) make_root; echo "$root" ;;
  dist) make_root; in_namespace "$@"; dist "$@" ;;
  test) make_root; in_namespace "$@"; test_suite "$@" ;;
  run) [ $# -ge 1 ] || usage; make_root; in_namespace "$@"
    exec chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$work" "$@" ;;
  *) usage ;;
esac
