#!/usr/bin/env bash
# Builds the release package of Aflexi CDN for WHMCS for the PHP of this machine:
#
#   OUT/aflexi-whmcs-<version>-php<X.Y>-<arch>/        the unpacked package
#   OUT/aflexi-whmcs-<version>-php<X.Y>-<arch>.tar.gz  the same, packed (root-owned, sorted)
#   OUT/current -> the unpacked package                 (used by `make install`)
#
# holding modules/servers/aflexi, modules/addons/aflexi_cdn, aflexi.so (release build),
# install.sh, INSTALL.txt, BUILD-INFO (version, PHP version and extension API the .so was built
# for, which install.sh compares with the target PHP) and SHA256SUMS.
#
#   scripts/dist.sh [--no-build] [--out DIR]     (OUT defaults to dist/)
#
# It first checks that the crate version, the modules' lib/Version.php and what the built .so
# reports (phpversion('aflexi')) are one version; any drift fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
out=dist
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --out) [ $# -ge 2 ] || { echo "--out needs a folder" >&2; exit 2; }; out=$2; shift ;;
    *) echo "usage: $0 [--no-build] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
for tool in cargo php php-config sha256sum tar gzip; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/install-deps.sh" >&2; exit 1; }
done

php=$(php-config --php-binary)
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
so="$target_dir/release/libaflexi.so"
if [ "$build" = 1 ]; then
  echo "== cargo build --release -p aflexi-php-ext"
  cargo build --release -p aflexi-php-ext
fi
[ -f "$so" ] || { echo "$so not found: build it first (without --no-build)" >&2; exit 1; }

# The commit it was built from; "-dirty" when the shipped sources differ from it.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- aflexi-core aflexi-php-ext whmcs-module whmcs-addon packaging Cargo.toml Cargo.lock; then
  commit="$commit-dirty"
  echo "warning: packaging uncommitted changes (BUILD-INFO says commit=$commit)" >&2
fi

php_version=$(php-config --version)
php_xy=$(echo "$php_version" | cut -d. -f1,2)
arch=$(uname -m)
name="aflexi-whmcs-$version-php$php_xy-$arch"
stage="$out/$name"
echo "== $stage"
rm -rf "$stage" "$stage.tar.gz"
mkdir -p "$stage/modules/servers" "$stage/modules/addons"
cp -R whmcs-module/modules/servers/aflexi "$stage/modules/servers/"
cp -R whmcs-addon/modules/addons/aflexi_cdn "$stage/modules/addons/"
install -m 0644 "$so" "$stage/aflexi.so"
# Symbols are not needed to run (a third of the size); PHP only looks up get_module.
if command -v strip >/dev/null; then strip --strip-unneeded "$stage/aflexi.so"; fi
reported=$("$php" -n -d "extension=$stage/aflexi.so" -r 'echo phpversion("aflexi");')
if [ "$reported" != "$version" ]; then
  echo "version drift: $so reports $reported, the sources are $version (a stale build? run without --no-build)" >&2
  exit 1
fi
install -m 0755 packaging/install.sh "$stage/install.sh"
install -m 0644 packaging/INSTALL.txt "$stage/INSTALL.txt"
cat > "$stage/BUILD-INFO" <<INFO
version=$version
php_version=$php_version
php_api=$(php-config --phpapi)
extension_build=$("$php" -n -i | sed -n 's/^PHP Extension Build => //p')
arch=$arch
commit=$commit
INFO
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -name install.sh -exec chmod 0644 {} +
(cd "$stage" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)

# Same input, same archive: fixed owner, order and time (the last commit's), no gzip name/time.
mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar -C "$out" --owner=0 --group=0 --numeric-owner --sort=name --mtime="@$mtime" -cf - "$name" \
  | gzip -9n > "$stage.tar.gz"
ln -sfn "$name" "$out/current"
echo "== $stage.tar.gz ($(du -h "$stage.tar.gz" | cut -f1)): for PHP $php_xy ($(sed -n 's/^extension_build=//p' "$stage/BUILD-INFO")) on $arch"
