#!/usr/bin/env bash
# Installs, upgrades or removes Aflexi CDN for WHMCS from this package: the server module
# modules/servers/aflexi, the addon modules/addons/aflexi_cdn and the PHP extension aflexi.so.
#
#   ./install.sh WHMCS_ROOT [--no-extension] [--php-config PATH] [--no-reload] [--dry-run]
#   ./install.sh WHMCS_ROOT --uninstall [--no-extension] [--php-config PATH] [--no-reload] [--dry-run]
#   ./install.sh --extension-only [--uninstall] [--php-config PATH] [--no-reload] [--dry-run]
#
# WHMCS_ROOT is the folder of WHMCS's init.php; it must also hold configuration.php (an
# installed WHMCS), modules/servers and modules/addons. Running it again upgrades in place:
# our two folders are made identical to this package (files no longer shipped are removed from
# them), nothing else under modules/ is touched; our folders must not be symbolic links. Files
# take the owner and group of WHMCS_ROOT/modules/servers (when run as root), mode 0644
# (folders 0755).
#
# The extension is installed for the PHP of `php-config` (or --php-config PATH): the .so into
# its extension dir; on Debian/Ubuntu (/etc/php/X.Y/mods-available and phpenmod) an aflexi.ini
# enabled for every SAPI (CLI for cron, FPM, Apache), and a running php X.Y-FPM is reloaded
# under systemd (--no-reload: only print the command); elsewhere it prints the php.ini line.
# It refuses a PHP whose extension API differs from the one the .so was built for (BUILD-INFO).
# Then it checks that `php -m` (and php-fpm -m) list aflexi and that phpversion('aflexi')
# equals the modules' Version.php.
#
# --uninstall removes our two folders, disables the extension and removes its ini and .so.
# Database tables are kept. Exit status: 0 done, 1 refused or failed, 2 bad usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
name=aflexi
addon=aflexi_cdn

die() { echo "install.sh: $*" >&2; exit 1; }
usage() { echo "usage:" >&2; sed -n 's/^#   \.\/install\.sh/  .\/install.sh/p' "$0" >&2; exit 2; }
say() { echo "== $*"; }

root='' uninstall=0 extension=1 modules=1 reload=1 dry=0 php_config=php-config
while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) uninstall=1 ;;
    --no-extension) extension=0 ;;
    --extension-only) modules=0 ;;
    --no-reload) reload=0 ;;
    --dry-run) dry=1 ;;
    --php-config) [ $# -ge 2 ] || usage; php_config=$2; shift ;;
    --php-config=*) php_config=${1#*=} ;;
    -h|--help) usage ;;
    -*) echo "install.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$root" ] || usage; root=$1 ;;
  esac
  shift
done
[ "$modules" = 1 ] || [ -z "$root" ] || usage
[ "$modules" = 0 ] || [ -n "$root" ] || usage
[ "$modules" = 1 ] || [ "$extension" = 1 ] || usage

# Every change goes through `run`, so that --dry-run shows it instead.
run() {
  if [ "$dry" = 1 ]; then echo "   would run: $*"; else "$@"; fi
}

# key=value from BUILD-INFO (written by scripts/dist.sh).
info() { sed -n "s/^$1=//p" "$here/BUILD-INFO"; }

# The module version of a Version.php, read by PHP itself.
module_version() {
  "$php" -n -r 'require $argv[1]; echo WHMCS\Module\Server\Aflexi\Version::VERSION;' "$1"
}

# --- what this package is, and that it is whole -------------------------------------------------
# (Uninstalling needs none of the package's files: the repository's copy of this script can do it.)
if [ "$uninstall" = 0 ]; then
  [ -f "$here/BUILD-INFO" ] && [ -f "$here/SHA256SUMS" ] \
    || die "BUILD-INFO or SHA256SUMS missing beside install.sh: run it from an unpacked package (make dist)"
  (cd "$here" && sha256sum --quiet --strict -c SHA256SUMS) >&2 \
    || die "the package's files do not match SHA256SUMS: download or unpack it again"
  version=$(info version)
fi

# --- the PHP we install for ----------------------------------------------------------------------
if [ "$extension" = 0 ] && ! command -v "$php_config" >/dev/null; then
  php=$(command -v php) || die "php not found"   # only to read Version.php and check php -m
elif [ "$extension" = 1 ] || [ "$uninstall" = 0 ]; then
  command -v "$php_config" >/dev/null || die "$php_config not found: install PHP's development package (php-dev) or pass --php-config PATH"
  php=$("$php_config" --php-binary 2>/dev/null || true)
  [ -x "$php" ] || php=$(command -v php) || die "no php binary found for $php_config"
  php_xy=$("$php_config" --version | cut -d. -f1,2)
  ext_dir=$("$php_config" --extension-dir)
  ext_build=$("$php" -n -i | sed -n 's/^PHP Extension Build => //p')
  fpm=$(command -v "php-fpm$php_xy" || true)
  [ -n "$fpm" ] || { [ -x "/usr/sbin/php-fpm$php_xy" ] && fpm=/usr/sbin/php-fpm$php_xy; } || true
  mods_available=/etc/php/$php_xy/mods-available
  debian=0
  [ -d "$mods_available" ] && command -v phpenmod >/dev/null && command -v phpdismod >/dev/null && debian=1
fi

# --- checks before any change --------------------------------------------------------------------
if [ "$modules" = 1 ]; then
  [ -d "$root" ] || die "$root is not a folder"
  root=$(cd "$root" && pwd)
  missing=()
  for f in init.php configuration.php; do [ -f "$root/$f" ] || missing+=("$f"); done
  for d in modules/servers modules/addons; do [ -d "$root/$d" ] || missing+=("$d/"); done
  [ ${#missing[@]} = 0 ] || die "$root does not look like a WHMCS root (no ${missing[*]}): pass the folder of WHMCS's init.php and configuration.php"
  for dir in "$root/modules/servers/$name" "$root/modules/addons/$addon"; do
    # A link (a development set-up pointing at a checkout) is not ours to write through or delete.
    [ ! -L "$dir" ] || die "$dir is a symbolic link (to $(readlink "$dir")): remove the link first, this script installs real folders"
  done
  if [ "$dry" = 0 ] && { [ ! -w "$root/modules/servers" ] || [ ! -w "$root/modules/addons" ]; }; then
    die "cannot write to $root/modules/servers and $root/modules/addons: run as their owner or root"
  fi
fi
if [ "$extension" = 1 ]; then
  [ "$dry" = 1 ] || [ "$(id -u)" = 0 ] || die "installing the PHP extension needs root (it writes to $ext_dir and /etc/php); use --no-extension to copy the modules only"
fi
if [ "$extension" = 1 ] && [ "$uninstall" = 0 ]; then
  built_for=$(info extension_build)
  if [ "$ext_build" != "$built_for" ]; then
    die "this package's aflexi.so was built for PHP $(info php_version) ($built_for); $php is PHP $("$php_config" --version) ($ext_build). Build the package on a host with that PHP (make dist) or pass --php-config of the PHP that has $built_for."
  fi
  # The .so must load in this PHP and be the modules' version, before anything is changed.
  shipped=$(module_version "$here/modules/servers/$name/lib/Version.php")
  loaded=$("$php" -n -d "extension=$here/aflexi.so" -r 'echo phpversion("aflexi");' 2>&1) \
    || die "aflexi.so does not load in $php: $loaded"
  [ "$loaded" = "$shipped" ] || die "aflexi.so is version $loaded but the modules are version $shipped: the package is inconsistent, rebuild it (make dist)"
fi

# --- the modules -------------------------------------------------------------------------------
# Makes DST identical to SRC (files 0644, folders 0755, owned by OWNER): each file is replaced
# by a rename, so a request reading it sees the old or the new one; then whatever is in DST
# and not in SRC is removed. Only ever called with our own two folders.
sync_tree() {
  local src=$1 dst=$2 owner=$3 rel changed=0 removed=0
  run install -d -m 0755 -o "${owner%:*}" -g "${owner#*:}" "$dst"
  while IFS= read -r -d '' rel; do
    run install -d -m 0755 -o "${owner%:*}" -g "${owner#*:}" "$dst/$rel"
  done < <(cd "$src" && find . -mindepth 1 -type d -printf '%P\0')
  while IFS= read -r -d '' rel; do
    if [ -f "$dst/$rel" ] && [ ! -L "$dst/$rel" ] && cmp -s "$src/$rel" "$dst/$rel" \
      && [ "$(stat -c '%u:%g %a' "$dst/$rel")" = "$owner 644" ]; then
      continue
    fi
    changed=$((changed + 1))
    run install -m 0644 -o "${owner%:*}" -g "${owner#*:}" "$src/$rel" "$dst/$rel.aflexi-new"
    run mv -f "$dst/$rel.aflexi-new" "$dst/$rel"
  done < <(cd "$src" && find . -type f -printf '%P\0')
  if [ -d "$dst" ]; then
    while IFS= read -r -d '' rel; do
      if [ -d "$src/$rel" ] && [ ! -L "$dst/$rel" ] && [ -d "$dst/$rel" ]; then continue; fi
      if [ -f "$src/$rel" ] && [ ! -L "$dst/$rel" ] && [ -f "$dst/$rel" ]; then continue; fi
      removed=$((removed + 1))
      echo "   remove $dst/$rel (not in this version)"
      run rm -rf -- "${dst:?}/$rel"
    done < <(cd "$dst" && find . -mindepth 1 -depth -printf '%P\0')
  fi
  echo "   $dst: $changed file(s) written, $removed removed"
}

install_modules() {
  local owner before
  owner=$(stat -c '%u:%g' "$root/modules/servers")
  [ "$(id -u)" = 0 ] || owner="$(id -u):$(id -g)"   # only root can give files away
  before=''
  [ -f "$root/modules/servers/$name/lib/Version.php" ] \
    && before=$(module_version "$root/modules/servers/$name/lib/Version.php" 2>/dev/null || echo unknown)
  say "modules -> $root/modules (owner $(stat -c '%U:%G' "$root/modules/servers"))${before:+, upgrading from $before}"
  sync_tree "$here/modules/servers/$name" "$root/modules/servers/$name" "$owner"
  sync_tree "$here/modules/addons/$addon" "$root/modules/addons/$addon" "$owner"
}

uninstall_modules() {
  say "remove the modules from $root/modules"
  local dir
  for dir in "$root/modules/servers/$name" "$root/modules/addons/$addon"; do
    if [ -e "$dir" ]; then echo "   remove $dir"; run rm -rf -- "$dir"; else echo "   $dir: not there"; fi
  done
}

# --- the extension -----------------------------------------------------------------------------
write_ini() {
  local ini=$mods_available/$name.ini
  echo "   write $ini"
  [ "$dry" = 1 ] && return
  install -m 0644 "$here/aflexi.ini" "$ini.aflexi-new"
  mv -f "$ini.aflexi-new" "$ini"
}

# PHP-FPM (and mod_php) load extensions at start: reload the service when systemd runs it.
reload_php() {
  local service=php$php_xy-fpm
  if [ -n "$fpm" ]; then
    if [ "$reload" = 1 ] && [ -d /run/systemd/system ] && systemctl is-active --quiet "$service" 2>/dev/null; then
      say "reload $service"
      run systemctl reload "$service"
    else
      next+=("reload PHP-FPM so that it (un)loads the extension: systemctl reload $service (or: service $service reload)")
    fi
  fi
  if [ -d "/etc/php/$php_xy/apache2" ]; then
    next+=("if WHMCS runs under Apache's mod_php: systemctl restart apache2")
  fi
}

install_extension() {
  say "extension aflexi.so $version -> $ext_dir (PHP $php_xy, $ext_build)"
  run install -d "$ext_dir"
  run install -m 0644 "$here/aflexi.so" "$ext_dir/aflexi.so.aflexi-new"
  run mv -f "$ext_dir/aflexi.so.aflexi-new" "$ext_dir/aflexi.so"   # a running PHP keeps its mapping
  if [ "$debian" = 1 ]; then
    write_ini
    echo "   phpenmod -v $php_xy -s ALL $name"
    run phpenmod -v "$php_xy" -s ALL "$name"
    reload_php
  else
    if ! "$php" -m 2>/dev/null | grep -x "$name" >/dev/null; then
      manual="add this line to the php.ini of the CLI and of PHP-FPM/Apache ($php --ini shows the CLI's), then restart PHP-FPM/Apache and run this again to check: extension=aflexi.so"
    fi
  fi
}

uninstall_extension() {
  say "remove the extension aflexi from PHP $php_xy"
  if [ "$debian" = 1 ]; then
    if [ -f "$mods_available/$name.ini" ]; then
      echo "   phpdismod -v $php_xy -s ALL $name; remove $mods_available/$name.ini"
      run phpdismod -p -v "$php_xy" -s ALL "$name"
      run rm -f "$mods_available/$name.ini"
    fi
  fi
  if [ "$dry" = 0 ] && "$php" -m 2>/dev/null | grep -x "$name" >/dev/null; then
    die "PHP still loads aflexi from its configuration ($php --ini lists the files): remove the line extension=aflexi.so there, then run this again"
  fi
  if [ -e "$ext_dir/aflexi.so" ]; then echo "   remove $ext_dir/aflexi.so"; run rm -f "$ext_dir/aflexi.so"; fi
  [ "$debian" = 1 ] && reload_php
  return 0
}

# --- checks after the change -------------------------------------------------------------------
verify_installed() {
  say "check"
  local errors loaded wanted
  wanted=$(module_version "$here/modules/servers/$name/lib/Version.php")
  if [ "$modules" = 1 ]; then
    wanted=$(module_version "$root/modules/servers/$name/lib/Version.php")
    echo "   modules: version $wanted"
  fi
  if [ -n "${manual:-}" ]; then
    loaded=$("$php" -n -d "extension=$ext_dir/aflexi.so" -r 'echo phpversion("aflexi");')
    echo "   $ext_dir/aflexi.so loads in $php (version $loaded); PHP does not load it yet (see below)"
    return
  fi
  errors=$("$php" -m 2>&1 | grep -i 'warning\|error' || true)
  "$php" -m 2>/dev/null | grep -x "$name" >/dev/null || {
    [ "$extension" = 1 ] && die "php -m does not list aflexi after installing it${errors:+: $errors}"
    echo "   WARNING: php -m does not list aflexi: install the extension (run this without --no-extension)" >&2
    return
  }
  [ -z "$errors" ] || die "php -m warns: $errors"
  loaded=$("$php" -r 'echo phpversion("aflexi");')
  if [ "$loaded" != "$wanted" ]; then
    [ "$extension" = 1 ] && die "php loads aflexi $loaded but the modules are $wanted"
    echo "   WARNING: PHP loads the extension aflexi $loaded but the modules are $wanted: they must match (run this without --no-extension)" >&2
    return
  fi
  echo "   php -m lists aflexi, version $loaded = the modules' version"
  if [ "$extension" = 1 ] && [ "$debian" = 1 ] && [ -n "$fpm" ] && [ -d "/etc/php/$php_xy/fpm" ]; then
    "$fpm" -m 2>/dev/null | grep -x "$name" >/dev/null || die "$fpm -m does not list aflexi"
    echo "   $(basename "$fpm") -m lists aflexi"
  fi
}

# --- do it -------------------------------------------------------------------------------------
next=()
manual=''
[ "$dry" = 1 ] && say "dry run: nothing is changed"
if [ "$uninstall" = 1 ]; then
  [ "$modules" = 1 ] && uninstall_modules
  [ "$extension" = 1 ] && uninstall_extension
  say "uninstalled"
  if [ "$modules" = 1 ]; then
    echo "   Database tables (mod_aflexi_*) are kept: this script never touches the database. Deactivating"
    echo "   the addon in WHMCS before uninstalling is what decides about its data; remove any"
    echo "   product or server record that still uses the module 'Aflexi CDN'."
  fi
else
  [ "$modules" = 1 ] && install_modules
  [ "$extension" = 1 ] && install_extension
  [ "$dry" = 1 ] || verify_installed
  say "installed Aflexi CDN for WHMCS $version"
  [ -n "$manual" ] && next+=("$manual")
  if [ "$modules" = 1 ]; then
    next+=("WHMCS admin > Configuration > System Settings > Addon Modules: activate 'Aflexi CDN' (after an upgrade, open its page once so that it updates its tables)")
    next+=("System Settings > Servers > Add New Server: module 'Aflexi CDN', hostname = the Aflexi API host, username = the operator login, password = its auth key; Test Connection")
    next+=("Products: Module Settings > Aflexi CDN, 'Package name' = the Aflexi bandwidth package")
  fi
fi
if [ ${#next[@]} -gt 0 ]; then
  echo "Next:"
  for step in "${next[@]}"; do echo "  - $step"; done
fi
