# Shared steps of the PHP test runners (scripts/test-php-ext.sh, tests/php/module/run.sh,
# tests/php/addon/run.sh). Source it from the repository root; it defines functions only.

# Reads the runners' options: --debug / --release into $profile (default release), what follows
# `--` into $phpunit_args, and the runner's own flags (listed in $PHP_SUITE_FLAGS, e.g.
# "--bench") into $suite_flags; anything else prints the usage and exits 2.
php_suite_options() {
  profile=release
  phpunit_args=()
  suite_flags=()
  local own=" ${PHP_SUITE_FLAGS:-} "
  while [ $# -gt 0 ]; do
    case "$1" in
      --debug) profile=debug ;;
      --release) profile=release ;;
      --) shift; phpunit_args=("$@"); return 0 ;;
      *)
        if [[ "$1" == --* && "$own" == *" $1 "* ]]; then
          suite_flags+=("$1")
        else
          echo "usage: $0 [--debug|--release]${PHP_SUITE_FLAGS:+ [$PHP_SUITE_FLAGS]} [-- PHPUnit arguments]" >&2
          exit 2
        fi
        ;;
    esac
    shift
  done
}

# Checks the tools, builds the extension and the sandbox for PROFILE (release|debug) and sets
# $so, $sandbox and $whm (the WHM stand-in) to what was built.
php_suite_build() {
  local profile=$1 tool target_dir
  for tool in php php-config phpunit cargo; do
    command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/install-deps.sh" >&2; exit 1; }
  done
  echo "== build the extension and the sandbox ($profile)"
  local cargo_profile=()
  [ "$profile" = release ] && cargo_profile=(--release)
  cargo build "${cargo_profile[@]}" -p aflexi-php-ext -p aflexi-sandbox -p whm-sandbox
  target_dir=$(cargo metadata --format-version 1 --no-deps | php -r 'echo json_decode(stream_get_contents(STDIN))->target_directory;')
  so="$target_dir/$profile/libaflexi.so"
  sandbox="$target_dir/$profile/aflexi-sandbox"
  whm="$target_dir/$profile/whm-sandbox"
}

# Runs `php -l` on every PHP file below the given folders; exits on a syntax error.
php_suite_lint() {
  echo "== php -l"
  local failed=0 file
  while IFS= read -r -d '' file; do
    php -l "$file" >/dev/null || failed=1
  done < <(find "$@" -name '*.php' -print0)
  [ "$failed" = 0 ] || { echo "PHP syntax errors" >&2; exit 1; }
}

# Every child a suite starts records its pid in $AFLEXI_TEST_TMP; the trap kills what is left.
php_suite_children() {
  AFLEXI_TEST_TMP=$(mktemp -d)
  export AFLEXI_TEST_TMP
  trap php_suite_cleanup EXIT INT TERM
}

php_suite_cleanup() {
  local f
  for f in "$AFLEXI_TEST_TMP"/child-*.pid; do
    [ -e "$f" ] || continue
    kill -TERM "$(cat "$f")" 2>/dev/null || true
  done
  rm -rf "$AFLEXI_TEST_TMP"
}

# If the extension is also enabled in PHP's configuration (scripts/install-extension.sh),
# PHP would load that copy and warn about the second one: points PHP_INI_SCAN_DIR at a copy of
# the scanned INI directory, made in DIR, that leaves it out.
php_suite_ini_without_aflexi() {
  local scan_dir="$1/conf.d" ini
  mkdir -p "$scan_dir"
  php -r 'echo php_ini_scanned_files() ?: "";' | tr ',' '\n' | while IFS= read -r ini; do
    ini=$(echo "$ini" | tr -d '[:space:]')
    [ -n "$ini" ] || continue
    case "$(basename "$ini")" in *aflexi.ini) continue ;; esac
    cp "$ini" "$scan_dir/"
  done
  export PHP_INI_SCAN_DIR="$scan_dir"
}
