#!/usr/bin/env bash
# The main job (make demo): installs what is missing, builds the extension (release), starts
# a throw-away MariaDB, and plays the product documents' story through the real server module
# and addon on the WHMCS stand-in against the Aflexi sandbox (tests/demo/story.php, which
# starts the sandbox). Prints each step and the final side-by-side of WHMCS and Aflexi; exits
# non-zero when any outcome is wrong. Everything it started is stopped on exit.
#
#   scripts/demo.sh                     the story (non-interactive; scripts/test.sh runs it)
#   scripts/demo.sh --show-passwords    print passwords instead of masking them
#   scripts/demo.sh --serve [PORT]      then serve the addon's admin pages on
#                                       http://127.0.0.1:PORT (default 8080) until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/.."

story_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --show-passwords) story_args+=(--show-passwords) ;;
    --serve)
      port=8080
      if [[ "${2:-}" =~ ^[0-9]+$ ]]; then port=$2; shift; fi
      story_args+=(--serve "$port") ;;
    *) echo "usage: $0 [--show-passwords] [--serve [PORT]]" >&2; exit 2 ;;
  esac
  shift
done

scripts/install-deps.sh
# shellcheck source=scripts/php-suite.sh  # php_suite_build sets $so and $sandbox
. scripts/php-suite.sh
php_suite_build release >&2   # cargo's progress is not part of the story

php_suite_children            # the story's children (sandbox, php -S) record their pids there
tmp=$(mktemp -d)
cleanup() {
  php_suite_cleanup
  AFLEXI_MARIADB_DIR=$tmp/mariadb tests/whmcs/mariadb.sh stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private MariaDB, whatever AFLEXI_MARIADB_DIR the caller has (its data is deleted on exit).
export AFLEXI_MARIADB_DIR=$tmp/mariadb
echo "== starting MariaDB (the WHMCS database) and the Aflexi sandbox"
tests/whmcs/mariadb.sh start >/dev/null
eval "$(tests/whmcs/mariadb.sh env)"
mkdir "$tmp/rootdir"

AFLEXI_SANDBOX_BIN=$sandbox AFLEXI_EXT_SO=$so WHMCS_ROOTDIR=$tmp/rootdir AFLEXI_DEMO_STATE=$tmp/demo-state.json \
  php -d extension="$so" tests/demo/story.php "${story_args[@]}"
