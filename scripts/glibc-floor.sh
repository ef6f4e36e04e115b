# The glibc floor of the released extension: the one home of the number, of how the release
# build links against it, and of how a built .so is checked against it. Source it from the
# repository root (scripts/dist.sh, tests/compat/glibc-floor.sh); it defines variables and
# functions only.
#
# GLIBC_FLOOR is the oldest glibc that aflexi.so loads with. 2.17 is also Rust's own minimum
# for x86_64-unknown-linux-gnu (glibc 2.17, kernel 3.2: "Tier 1 with Host Tools" in
# https://doc.rust-lang.org/rustc/platform-support.html), so no lower floor is possible with
# the standard library; it is below every host WHMCS runs on (EL7 2.17, EL8 2.28, EL9 2.34,
# Debian 11 2.31, Ubuntu 20.04 2.31).
GLIBC_FLOOR=2.17
GLIBC_TARGET=x86_64-unknown-linux-gnu

# Prints the highest glibc version FILE requires, e.g. 2.17: the largest GLIBC_x.y among its
# dynamic symbols (objdump -T) and its version references (objdump -p, what the loader checks).
glibc_needed() {
  { objdump -T "$1"; objdump -p "$1"; } | grep -o 'GLIBC_[0-9][0-9.]*[0-9]' | sed 's/^GLIBC_//' \
    | sort -uV | tail -1
}

# True when version $1 <= version $2.
version_le() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]
}

# Fails (status 1, with the symbols at fault) when FILE needs a glibc newer than GLIBC_FLOOR.
glibc_check() {
  local file=$1 needed
  needed=$(glibc_needed "$file")
  [ -n "$needed" ] || { echo "$file: no GLIBC_ symbol versions found (not a glibc ELF?)" >&2; return 1; }
  if ! version_le "$needed" "$GLIBC_FLOOR"; then
    echo "$file needs GLIBC_$needed, above the floor GLIBC_$GLIBC_FLOOR; the symbols:" >&2
    objdump -T "$file" | awk -v floor="$GLIBC_FLOOR" '
      match($0, /GLIBC_[0-9][0-9.]*[0-9]/) { v = substr($0, RSTART + 6, RLENGTH - 6); print v " " $NF }' \
      | while read -r v sym; do version_le "$v" "$GLIBC_FLOOR" || echo "  GLIBC_$v $sym"; done >&2
    return 1
  fi
}

# Sets up the release build against the floor: cargo-zigbuild and ziglang (pip) link with zig's
# copy of glibc GLIBC_FLOOR; bindgen (in ext-php-rs's build script) needs libclang 18 from the
# pip wheel `libclang`, as Debian 12's libclang 14 crashes on the include flags zig adds.
# Sets ZIG_TARGET (the --target to pass) and ZIG_OUT (cargo's output folder, under the target
# dir given as $1).
zig_build_env() {
  local target_dir=$1 native
  command -v cargo-zigbuild >/dev/null && python3 -m ziglang version >/dev/null 2>&1 \
    || { echo "cargo-zigbuild or ziglang not found: pip install cargo-zigbuild ziglang libclang (scripts/install-deps.sh)" >&2; return 1; }
  native=$(python3 -c 'import clang, os; print(os.path.join(os.path.dirname(clang.__file__), "native"))' 2>/dev/null) \
    && [ -f "$native/libclang.so" ] \
    || { echo "the pip wheel libclang is missing: pip install libclang (scripts/install-deps.sh)" >&2; return 1; }
  export LIBCLANG_PATH=$native
  ZIG_TARGET=$GLIBC_TARGET.$GLIBC_FLOOR
  ZIG_OUT=$target_dir/$GLIBC_TARGET/release
}
