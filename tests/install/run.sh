#!/usr/bin/env bash
# Tests the one-step install: builds the release package (scripts/dist.sh), then, on a scratch
# folder laid out like a WHMCS root that also holds someone else's modules, runs the package's
# install.sh for real (real PHP, phpenmod, php -m, php-fpm -m):
#   refusals first (not a WHMCS root, a PHP whose extension API differs, a damaged package,
#   a package whose extension and modules disagree on the version; each changes nothing),
#   --dry-run (changes nothing), install (files, owner, php -m, versions, the module sees the
#   extension), upgrade (a stale file in our folders removed, an edited one restored, other
#   modules untouched), uninstall (ours gone, others untouched, php -m no longer lists aflexi;
#   twice), the path for a PHP without phpenmod (the printed php.ini line), and
#   scripts/install-extension.sh.
#
#   tests/install/run.sh              (as root)
#   tests/install/run.sh --no-build   package the .so already built (quicker while developing)
#
# As root with `unshare`, it runs in a private mount namespace where /etc/php, PHP's extension
# folder and /var/lib/php/modules are copies: the host's PHP never sees the extension enabled, so
# suites running at the same time (which load it with `php -d extension=`) are not disturbed.
# Without one (or with AFLEXI_INSTALL_TEST_PRIVATE=0) it installs into the host's PHP, refuses
# to start if aflexi is enabled there already, and always uninstalls on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "   ok: $*"; }
[ "$(id -u)" = 0 ] || fail "run as root: the test installs a PHP extension"
for tool in php php-config phpenmod cargo; do
  command -v "$tool" >/dev/null || fail "$tool not found: run scripts/install-deps.sh"
done

# Re-run in a private mount namespace (AFLEXI_INSTALL_TEST_PRIVATE=0: use the host's PHP).
if [ "${AFLEXI_INSTALL_TEST_PRIVATE:-1}" = 1 ] && [ -z "${AFLEXI_INSTALL_TEST_REEXEC:-}" ] \
  && unshare --mount --propagation private true 2>/dev/null; then
  AFLEXI_INSTALL_TEST_REEXEC=1 exec unshare --mount --propagation private -- "$0" "$@"
fi

php_xy=$(php-config --version | cut -d. -f1,2)
ext_dir=$(php-config --extension-dir)
fpm=/usr/sbin/php-fpm$php_xy
tmp=$(mktemp -d)
root=$tmp/whmcs
# The bind mounts are only ever made in a namespace other than our caller's.
if [ -n "${AFLEXI_INSTALL_TEST_REEXEC:-}" ] && [ "$(readlink /proc/self/ns/mnt)" != "$(readlink "/proc/$PPID/ns/mnt")" ]; then
  echo "== private mount namespace: copies of /etc/php, $ext_dir, /var/lib/php/modules"
  for dir in /etc/php "$ext_dir" /var/lib/php/modules; do
    mkdir -p "$dir" "$tmp/private$dir"
    cp -a "$dir/." "$tmp/private$dir/"
    mount --bind "$tmp/private$dir" "$dir"
  done
else
  echo "== WARNING: no private mount namespace; installing into this host's PHP (removed on exit)"
  if php -m 2>/dev/null | grep -x aflexi >/dev/null; then
    fail "aflexi is already enabled in this PHP: the test would remove it (uninstall it first)"
  fi
fi

manual_ini=/etc/php/$php_xy/cli/conf.d/99-aflexi-test-manual.ini
cleanup() {
  rm -f "$manual_ini"
  [ -x "$tmp/pkg/install.sh" ] && "$tmp/pkg/install.sh" --extension-only --uninstall --no-reload >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

dist_args=()
case "${1:-}" in
  --no-build) dist_args=(--no-build) ;;
  '') ;;
  *) fail "usage: $0 [--no-build]" ;;
esac
echo "== scripts/dist.sh"
scripts/dist.sh "${dist_args[@]}" --out "$tmp/dist"
version=$(php -n -r 'require $argv[1]; echo WHMCS\Module\Server\Aflexi\Version::VERSION;' \
  whmcs-module/modules/servers/aflexi/lib/Version.php)
abi=$(php -n -i | sed -n 's/^PHP Extension Build => //p' | tr 'A-Z,' 'a-z-')   # api20220829-nts
tarball=$tmp/dist/aflexi-whmcs-$version-php$php_xy-$abi-$(uname -m).tar.gz
[ -f "$tarball" ] || fail "no $tarball"
mkdir "$tmp/unpacked"
tar -C "$tmp/unpacked" -xzf "$tarball"
mv "$tmp/unpacked/$(basename "$tarball" .tar.gz)" "$tmp/pkg"
pkg=$tmp/pkg
for f in install.sh INSTALL.txt BUILD-INFO SHA256SUMS aflexi.so aflexi.ini aflexi.stubs.php modules/servers/aflexi/aflexi.php \
  modules/servers/aflexi/lib/Version.php modules/addons/aflexi_cdn/aflexi_cdn.php; do
  [ -f "$pkg/$f" ] || fail "the package has no $f"
done
[ -x "$pkg/install.sh" ] || fail "install.sh is not executable"
(cd "$pkg" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not verify"
[ "$(tar -tzvf "$tarball" | awk '{print $2}' | sort -u)" = "0/0" ] || fail "tarball entries not owned by 0/0"
grep -qx "extension_build=$(php -n -i | sed -n 's/^PHP Extension Build => //p')" "$pkg/BUILD-INFO" \
  || fail "BUILD-INFO does not record this PHP's extension API"
ok "$(basename "$tarball"): every file, checksums, BUILD-INFO"

# The scratch WHMCS root, owned like a web root, with others' modules beside where ours go.
mkdir -p "$root/modules/servers/othermod" "$root/modules/servers/aflexi2" \
  "$root/modules/addons/otheraddon/lib" "$root/other"
echo '<?php // someone else' > "$root/modules/servers/othermod/othermod.php"
echo '<?php // a module whose name starts like ours' > "$root/modules/servers/aflexi2/aflexi2.php"
echo '<?php // another addon' > "$root/modules/addons/otheraddon/lib/x.php"
echo '<?php $db_name = "whmcs";' > "$root/configuration.php"
echo '<?php // WHMCS' > "$root/init.php"
chown -R 33:33 "$root"
chmod 0640 "$root/modules/servers/othermod/othermod.php"

# A fingerprint of everything but our two folders: paths, types, owners, modes, contents.
others() {
  (cd "$root" && find . -path ./modules/servers/aflexi -prune -o -path ./modules/addons/aflexi_cdn -prune \
    -o -printf '%P %y %U:%G %m\n' | sort
   find . -path ./modules/servers/aflexi -prune -o -path ./modules/addons/aflexi_cdn -prune \
    -o -type f -print0 | sort -z | xargs -0 sha256sum)
}
everything() { (cd "$root" && find . -printf '%P %y %U:%G %m %s\n' | sort); }
php_lists_aflexi() { php -m 2>/dev/null | grep -x aflexi >/dev/null; }
# A copy of the package with FILE edited by the sed script, SHA256SUMS updated to match.
variant() {
  local dir=$tmp/$1 file=$2 script=$3
  rm -rf "$dir"; cp -a "$pkg" "$dir"
  sed -i "$script" "$dir/$file"
  (cd "$dir" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)
}
# Runs an install.sh that must refuse; $1 is a word its message must contain.
refused() {
  local word=$1 out; shift
  if out=$("$@" 2>&1); then fail "accepted: $* ($out)"; fi
  echo "$out" | grep -i -- "$word" >/dev/null || fail "refused without saying '$word': $out"
  ok "refused ($(echo "$out" | tail -1 | cut -c1-110)...)"
}
php_lists_aflexi && fail "aflexi is enabled before the test"
before_all=$(everything)

echo "== refusals change nothing"
mkdir "$tmp/notwhmcs"
refused "does not look like a WHMCS root" "$pkg/install.sh" "$tmp/notwhmcs" --no-reload
rm "$root/configuration.php"
refused "configuration.php" "$pkg/install.sh" "$root" --no-reload
echo '<?php $db_name = "whmcs";' > "$root/configuration.php"; chown 33:33 "$root/configuration.php"
variant bad-api BUILD-INFO 's/^extension_build=.*/extension_build=API20990101,NTS/'
refused "built for" "$tmp/bad-api/install.sh" "$root" --no-reload
cp -a "$pkg" "$tmp/damaged"; echo '// changed' >> "$tmp/damaged/modules/servers/aflexi/aflexi.php"
refused "SHA256SUMS" "$tmp/damaged/install.sh" "$root" --no-reload
variant drift modules/servers/aflexi/lib/Version.php "s/'$version'/'9.9.9'/"
refused "modules are version 9.9.9" "$tmp/drift/install.sh" "$root" --no-reload
refused "usage" "$pkg/install.sh" --no-reload
ln -s "$tmp/notwhmcs" "$root/modules/servers/aflexi"
refused "symbolic link" "$pkg/install.sh" "$root" --no-reload
refused "symbolic link" "$pkg/install.sh" "$root" --uninstall --no-reload
[ -L "$root/modules/servers/aflexi" ] || fail "the link was removed"
rm "$root/modules/servers/aflexi"
[ "$(everything)" = "$before_all" ] || fail "a refused run changed the WHMCS root"
php_lists_aflexi && fail "a refused run enabled aflexi"
[ -e "$ext_dir/aflexi.so" ] && fail "a refused run installed aflexi.so"

echo "== --dry-run changes nothing"
"$pkg/install.sh" "$root" --dry-run --no-reload | tee "$tmp/dry.log" | tail -3
grep -q "would run: phpenmod" "$tmp/dry.log" || fail "--dry-run does not show phpenmod"
[ "$(everything)" = "$before_all" ] || fail "--dry-run changed the WHMCS root"
php_lists_aflexi && fail "--dry-run enabled aflexi"
ok "nothing changed"

# After an install: our folders equal the package's, owned like modules/servers, PHP (CLI and
# FPM) loads the extension without warnings, in the modules' version, and the modules see it.
check_installed() {
  diff -r "$pkg/modules/servers/aflexi" "$root/modules/servers/aflexi" || fail "server module differs from the package"
  diff -r "$pkg/modules/addons/aflexi_cdn" "$root/modules/addons/aflexi_cdn" || fail "addon differs from the package"
  [ -z "$(find "$root/modules/servers/aflexi" "$root/modules/addons/aflexi_cdn" ! -user 33 -o ! -group 33)" ] \
    || fail "installed files not owned by the owner of modules/servers"
  [ -z "$(find "$root/modules/servers/aflexi" "$root/modules/addons/aflexi_cdn" -type f ! -perm 0644)" ] \
    || fail "installed files not 0644"
  php_lists_aflexi || fail "php -m does not list aflexi"
  [ -z "$(php -m 2>&1 | grep -i 'warning\|error')" ] || fail "php -m warns: $(php -m 2>&1 | grep -i 'warning\|error')"
  [ "$(php -r 'echo phpversion("aflexi");')" = "$version" ] || fail "phpversion('aflexi') is not $version"
  [ -L "/etc/php/$php_xy/cli/conf.d/20-aflexi.ini" ] || fail "not enabled for the CLI"
  if [ -d "/etc/php/$php_xy/fpm" ]; then
    [ -L "/etc/php/$php_xy/fpm/conf.d/20-aflexi.ini" ] || fail "not enabled for FPM"
    "$fpm" -m 2>/dev/null | grep -x aflexi >/dev/null || fail "php-fpm -m does not list aflexi"
  fi
  [ "$(php -r 'require $argv[1]; echo WHMCS\Module\Server\Aflexi\Extension::problem() ?? "usable";' \
    "$root/modules/servers/aflexi/lib/autoload.php")" = usable ] || fail "the installed module does not find the extension usable"
  # As WHMCS loads the addon: ROOTDIR defined, the shared library found under it, and its one
  # autoloader loading the addon's own classes too.
  [ "$(php -r 'define("ROOTDIR", $argv[2]); require $argv[1]; echo WHMCS\Module\Server\Aflexi\Version::VERSION,
    class_exists(WHMCS\Module\Addon\AflexiCdn\Schema::class) ? "" : " (no addon class)";' \
    "$root/modules/addons/aflexi_cdn/lib/shared.php" "$root")" = "$version" ] || fail "the installed addon does not find the server module's library"
}
others_before=$(others)

echo "== install"
"$pkg/install.sh" "$root" --no-reload | tee "$tmp/install.log"
grep -q "activate 'Aflexi CDN'" "$tmp/install.log" || fail "no next steps printed"
check_installed
[ "$(others)" = "$others_before" ] || fail "install changed something outside our folders"
ok "installed: files, owner, mode, php -m, php-fpm -m, version $version, module and addon see it"

echo "== upgrade in place"
echo '<?php // left over' > "$root/modules/servers/aflexi/lib/Stale.php"
mkdir -p "$root/modules/addons/aflexi_cdn/old/deeper"
echo '<?php' > "$root/modules/addons/aflexi_cdn/old/deeper/gone.php"
echo '// edited' >> "$root/modules/servers/aflexi/aflexi.php"
chmod 0600 "$root/modules/servers/aflexi/hooks.php"
"$pkg/install.sh" "$root" --no-reload --php-config "$(command -v php-config)" | tee "$tmp/upgrade.log"
grep -q "upgrading from $version" "$tmp/upgrade.log" || fail "the upgrade does not say from which version"
[ ! -e "$root/modules/servers/aflexi/lib/Stale.php" ] || fail "a file no longer shipped was kept"
[ ! -e "$root/modules/addons/aflexi_cdn/old" ] || fail "a folder no longer shipped was kept"
check_installed
[ "$(others)" = "$others_before" ] || fail "the upgrade changed something outside our folders"
"$pkg/install.sh" "$root" --no-reload > "$tmp/again.log"
grep -q "aflexi: 0 file(s) written, 0 removed" "$tmp/again.log" || fail "a repeat rewrote files: $(cat "$tmp/again.log")"
ok "stale file and folder removed, edited file and mode restored, others untouched, repeat writes nothing"

echo "== uninstall"
"$pkg/install.sh" "$root" --uninstall --no-reload | tee "$tmp/uninstall.log"
grep -q "Database tables" "$tmp/uninstall.log" || fail "uninstall does not say what happens to the data"
[ ! -e "$root/modules/servers/aflexi" ] && [ ! -e "$root/modules/addons/aflexi_cdn" ] || fail "our folders are still there"
[ "$(others)" = "$others_before" ] || fail "uninstall changed something outside our folders"
[ "$(everything)" = "$before_all" ] || fail "uninstall did not bring the WHMCS root back to how it was"
php_lists_aflexi && fail "php -m still lists aflexi"
[ ! -e "$ext_dir/aflexi.so" ] && [ ! -e "/etc/php/$php_xy/mods-available/aflexi.ini" ] || fail "aflexi.so or aflexi.ini left"
[ -z "$(find /etc/php/"$php_xy" -name '*aflexi*')" ] || fail "aflexi left in /etc/php: $(find /etc/php/"$php_xy" -name '*aflexi*')"
"$pkg/install.sh" "$root" --uninstall --no-reload >/dev/null || fail "a second uninstall fails"
ok "ours gone, others untouched, php -m without aflexi, nothing left in /etc/php; twice"

echo "== --no-extension as the web root's owner (not root)"
root2=$tmp/whmcs2
mkdir -p "$root2/modules/servers" "$root2/modules/addons"
touch "$root2/init.php" "$root2/configuration.php"
chown -R nobody: "$root2"
chmod 0755 "$tmp"
runuser -u nobody -- "$pkg/install.sh" "$root2" --no-extension > "$tmp/nobody.log" 2>&1 \
  || fail "--no-extension as nobody failed: $(cat "$tmp/nobody.log")"
grep "WARNING: php -m does not list aflexi" "$tmp/nobody.log" >/dev/null || fail "no warning that the extension is missing"
diff -r "$pkg/modules/addons/aflexi_cdn" "$root2/modules/addons/aflexi_cdn" || fail "addon not copied"
[ -z "$(find "$root2/modules" ! -user nobody)" ] || fail "files not owned by nobody"
runuser -u nobody -- "$pkg/install.sh" "$root2" --no-extension --uninstall >/dev/null
[ -z "$(find "$root2/modules" -mindepth 2)" ] || fail "--no-extension --uninstall left files"
ok "modules copied and removed without root, with a warning that PHP lacks the extension"

echo "== a PHP without phpenmod: the php.ini line"
nodeb_path=$(echo "$PATH" | tr ':' '\n' | grep -v sbin | paste -sd:)
PATH=$nodeb_path "$pkg/install.sh" --extension-only --no-reload | tee "$tmp/manual.log"
grep -q "extension=aflexi.so" "$tmp/manual.log" || fail "no php.ini line printed"
[ -f "$ext_dir/aflexi.so" ] || fail "aflexi.so not installed"
php_lists_aflexi && fail "enabled without phpenmod?"
echo "extension=aflexi.so" > "$manual_ini"   # what the administrator does
PATH=$nodeb_path "$pkg/install.sh" --extension-only --no-reload | grep "php -m lists aflexi, version $version" >/dev/null \
  || fail "the second run does not find the extension in php -m"
refused "remove the line" env PATH="$nodeb_path" "$pkg/install.sh" --extension-only --uninstall --no-reload
[ -f "$ext_dir/aflexi.so" ] || fail "aflexi.so removed while php.ini still loads it"
rm "$manual_ini"
PATH=$nodeb_path "$pkg/install.sh" --extension-only --uninstall --no-reload >/dev/null
[ ! -e "$ext_dir/aflexi.so" ] || fail "aflexi.so left"
ok "line printed, checked once added, uninstall waits for the line to go"

echo "== scripts/install-extension.sh (the same installer, from the repository)"
scripts/install-extension.sh --no-build --no-reload | tail -2
php_lists_aflexi || fail "scripts/install-extension.sh did not enable aflexi"
scripts/install-extension.sh --uninstall --no-reload | tail -1
php_lists_aflexi && fail "scripts/install-extension.sh --uninstall left aflexi enabled"
ok "installs and uninstalls"

echo "== install test: all passed"
