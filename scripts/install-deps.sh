#!/usr/bin/env bash
# Installs what a fresh Debian machine with Rust lacks. Safe to run again: it only installs
# what is missing.
set -euo pipefail

need_rust_component() {
  cargo "$1" --version >/dev/null 2>&1 || rustup component add "$2"
}
need_rust_component fmt rustfmt
need_rust_component clippy clippy
