# The two commands of the README, and a few more for developers.
.PHONY: demo test bench

# The main job: the seeds' story through the real server module and addon on the WHMCS
# stand-in, against the local Aflexi sandbox (scripts/demo.sh --serve [PORT] then serves the
# addon's admin pages for a browser).
demo:
	scripts/demo.sh

# Every test.
test:
	scripts/test.sh

# The benchmark figures of docs/BENCHMARKS.md (takes several minutes).
bench:
	cargo run --release -p aflexi-bench

# The release package dist/aflexi-whmcs-<version>-php<X.Y>-<arch>.tar.gz (scripts/dist.sh), and
# installing or upgrading it on this host (as root): make install WHMCS_ROOT=/var/www/whmcs
.PHONY: dist install
dist:
	scripts/dist.sh

install:
	@test -n "$(WHMCS_ROOT)" || { echo "usage: make install WHMCS_ROOT=/path/to/whmcs" >&2; exit 2; }
	scripts/dist.sh
	dist/current/install.sh "$(WHMCS_ROOT)"

# Fuzz the XML-RPC decoder and the username/package rules (FUZZ_SECONDS per target, default 60).
.PHONY: fuzz
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh
