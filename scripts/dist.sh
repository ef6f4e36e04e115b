#!/usr/bin/env bash
# Builds the release package of Aflexi CDN for WHMCS for one PHP (one extension ABI):
#
#   OUT/aflexi-whmcs-<version>-php<X.Y>-api<API>-<nts|zts>-<arch>/          the unpacked package
#   OUT/aflexi-whmcs-<version>-php<X.Y>-api<API>-<nts|zts>-<arch>.tar.gz    the same, packed (root-owned, sorted)
#   OUT/aflexi-whmcs-<...>.tar.gz.sha256                                    its SHA-256 (sha256sum -c)
#   OUT/current -> the package just built                                   (used by `make install`)
#
# holding modules/servers/aflexi, modules/addons/aflexi_cdn, aflexi.so (release build),
# aflexi.ini (the ini snippet), aflexi.stubs.php (IDE stubs), install.sh, INSTALL.txt,
# BUILD-INFO (version, PHP version and extension API the .so was built for, which install.sh
# compares with the target PHP, and the glibc it needs) and SHA256SUMS.
#
#   scripts/dist.sh [--php-config PATH] [--native] [--no-build] [--out DIR]   (OUT defaults to dist/)
#
# The .so is built for the PHP of PATH (default: $PHP_CONFIG, else php-config on the PATH) and,
# unless --native, linked against the glibc floor of scripts/glibc-floor.sh with cargo-zigbuild
# so that it loads on every mainstream WHMCS host; a .so needing a newer glibc is refused.
# --native builds with plain `cargo build` for this host only (make install, which builds on the
# WHMCS host itself and needs no zig). --no-build packages the .so of the last build.
#
# It first checks that the crate version, the modules' lib/Version.php and what the built .so
# reports (phpversion('aflexi')) are one version; any drift fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/glibc-floor.sh

build=1
native=0
out=dist
php_config=${PHP_CONFIG:-php-config}
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --native) native=1 ;;
    --out) [ $# -ge 2 ] || { echo "--out needs a folder" >&2; exit 2; }; out=$2; shift ;;
    --php-config) [ $# -ge 2 ] || { echo "--php-config needs a path" >&2; exit 2; }; php_config=$2; shift ;;
    *) echo "usage: $0 [--php-config PATH] [--native] [--no-build] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
for tool in cargo "$php_config" sha256sum tar gzip objdump; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/install-deps.sh (or pass --php-config PATH)" >&2; exit 1; }
done

php=$("$php_config" --php-binary)
[ -x "$php" ] || { echo "$php_config names $php as its PHP, which is not there" >&2; exit 1; }
metadata=$(cargo metadata --format-version 1 --no-deps)
crate_version=$(echo "$metadata" | "$php" -r '
  foreach (json_decode(stream_get_contents(STDIN))->packages as $p) {
      if ($p->name === "aflexi-php-ext") { echo $p->version; }
  }')
module_version=$("$php" -n -r 'require $argv[1]; echo WHMCS\Module\Server\Aflexi\Version::VERSION;' \
  whmcs-module/modules/servers/aflexi/lib/Version.php)
if [ "$crate_version" != "$module_version" ]; then
  echo "version drift: the extension crate is $crate_version, whmcs-module/modules/servers/aflexi/lib/Version.php is $module_version; make them equal" >&2
  exit 1
fi
version=$crate_version

target_dir=$(echo "$metadata" | "$php" -r 'echo json_decode(stream_get_contents(STDIN))->target_directory;')
# ext-php-rs's build script reads PHP's headers and version through these two (paths); they
# are left unset for the PATH's own php-config, so that builds for it share cargo's cache with
# the test suites' (a change of either makes cargo rebuild ext-php-rs).
php_config=$(command -v "$php_config")
if [ "$(readlink -f "$php_config")" != "$(readlink -f "$(command -v php-config || echo none)")" ]; then
  export PHP=$php PHP_CONFIG=$php_config
fi
if [ "$native" = 1 ]; then
  so="$target_dir/release/libaflexi.so"
  build_cmd=(cargo build --release -p aflexi-php-ext)
else
  zig_build_env "$target_dir"
  so="$ZIG_OUT/libaflexi.so"
  build_cmd=(cargo zigbuild --release -p aflexi-php-ext --target "$ZIG_TARGET")
fi
if [ "$build" = 1 ]; then
  echo "== ${PHP_CONFIG:+PHP_CONFIG=$PHP_CONFIG }${build_cmd[*]}"
  "${build_cmd[@]}"
fi
[ -f "$so" ] || { echo "$so not found: build it first (without --no-build)" >&2; exit 1; }

# The commit it was built from; "-dirty" when the shipped sources differ from it.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- aflexi-core aflexi-php-ext whmcs-module whmcs-addon packaging Cargo.toml Cargo.lock; then
  commit="$commit-dirty"
  echo "warning: packaging uncommitted changes (BUILD-INFO says commit=$commit)" >&2
fi

php_version=$("$php_config" --version)
php_xy=$(echo "$php_version" | cut -d. -f1,2)
# "API20220829,NTS": the extension ABI, which the package name carries as api20220829-nts.
extension_build=$("$php" -n -i | sed -n 's/^PHP Extension Build => //p')
abi=$(echo "$extension_build" | tr 'A-Z,' 'a-z-')
arch=$(uname -m)
name="aflexi-whmcs-$version-php$php_xy-$abi-$arch"
stage="$out/$name"
echo "== $stage"
rm -rf "$stage" "$stage.tar.gz"
mkdir -p "$stage/modules/servers" "$stage/modules/addons"
cp -R whmcs-module/modules/servers/aflexi "$stage/modules/servers/"
cp -R whmcs-addon/modules/addons/aflexi_cdn "$stage/modules/addons/"
install -m 0644 "$so" "$stage/aflexi.so"
# Symbols are not needed to run (a third of the size); PHP only looks up get_module.
if command -v strip >/dev/null; then strip --strip-unneeded "$stage/aflexi.so"; fi
if [ "$native" = 1 ]; then
  glibc="$(glibc_needed "$stage/aflexi.so") (built for this host only: --native)"
else
  glibc_check "$stage/aflexi.so"
  glibc=$(glibc_needed "$stage/aflexi.so")
fi
reported=$("$php" -n -d "extension=$stage/aflexi.so" -r 'echo phpversion("aflexi");')
if [ "$reported" != "$version" ]; then
  echo "version drift: $so reports $reported, the sources are $version (a stale build? run without --no-build)" >&2
  exit 1
fi
install -m 0755 packaging/install.sh "$stage/install.sh"
install -m 0644 packaging/INSTALL.txt "$stage/INSTALL.txt"
install -m 0644 packaging/aflexi.ini "$stage/aflexi.ini"
install -m 0644 aflexi-php-ext/aflexi.stubs.php "$stage/aflexi.stubs.php"
cat > "$stage/BUILD-INFO" <<INFO
version=$version
php_version=$php_version
php_api=$("$php_config" --phpapi)
extension_build=$extension_build
arch=$arch
glibc_needed=$glibc
commit=$commit
INFO
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -name install.sh -exec chmod 0644 {} +
(cd "$stage" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)

# Same input, same archive: fixed owner, order and time (the last commit's), no gzip name/time.
mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar -C "$out" --owner=0 --group=0 --numeric-owner --sort=name --mtime="@$mtime" -cf - "$name" \
  | gzip -9n > "$stage.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
ln -sfn "$name" "$out/current"
echo "== $stage.tar.gz ($(du -h "$stage.tar.gz" | cut -f1)): for PHP $php_xy ($extension_build) on $arch, needs glibc $glibc"
