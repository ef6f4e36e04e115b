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

# Refresh the README's screenshots in docs/screenshots/ from the browser test (make test writes
# its screenshots to build/screenshots/ and leaves docs/ alone).
.PHONY: screenshots
screenshots:
	cargo build --release -p aflexi-php-ext -p aflexi-sandbox
	SCREENSHOTS_DIR=docs/screenshots tests/php/addon/browser/run.sh

# The benchmark figures of docs/BENCHMARKS.md (takes several minutes).
bench:
	cargo run --release -p aflexi-bench
	cargo build --release -p aflexi-php-ext
	AFLEXI_EXT_SO=$(CURDIR)/target/release/libaflexi.so php -d extension=$(CURDIR)/target/release/libaflexi.so tests/conformance/bench-listing.php 100000
	tests/conformance/bench-decode.sh $(CURDIR)/target/release/libaflexi.so
	tests/php/addon/bench-publishers.sh 100000
	cargo run --release -p aflexi-bench --bin usage-decode
	tests/php/module/bench-usage.sh 10000 20

# The release packages, one per PHP extension ABI, each linked against the glibc floor of
# scripts/glibc-floor.sh: dist/aflexi-whmcs-<version>-php<X.Y>-api<API>-nts-<arch>.tar.gz for
# this host's PHP (8.2) and for PHP 8.4 (built against a Debian trixie root, scripts/php84.sh).
# `make install WHMCS_ROOT=/var/www/whmcs [PHP_CONFIG=/path/to/php-config]` (as root) builds the
# package for that PHP on this host (no zig needed) and installs or upgrades it.
.PHONY: dist install
dist:
	scripts/dist.sh
	scripts/php84.sh dist

install:
	@test -n "$(WHMCS_ROOT)" || { echo "usage: make install WHMCS_ROOT=/path/to/whmcs [PHP_CONFIG=/path/to/php-config]" >&2; exit 2; }
	scripts/dist.sh --native --php-config "$(or $(PHP_CONFIG),php-config)" --out build/install
	build/install/current/install.sh "$(WHMCS_ROOT)" --php-config "$(or $(PHP_CONFIG),php-config)"

# Fuzz the XML-RPC decoder and the username/package rules (FUZZ_SECONDS per target, default 60).
.PHONY: fuzz
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# The long reliability drills of docs/RELIABILITY.md (c), (f)-(j): overlapping runs on 1,000
# services, the API restarted under 10,000 publishers, database failures, kill -9 mid-Create,
# 10,000 PHP-FPM and 10,000 Apache prefork/mod_php requests over recycled workers, slow and near-limit answers (peak memory),
# 20,000 mutated answers over the wire into the core and 3,000 through the extension into PHP
# (about an hour on a 2-core machine, the overlap drill
# alone about 20 minutes; short versions run in make test).
.PHONY: drill
drill:
	AFLEXI_DRILL_SERVICES=1000 AFLEXI_DRILL_PUBLISHERS=10000 tests/php/addon/run.sh -- --filter 'OverlapTest|ApiRestartTest|DatabaseFailureTest'
	tests/php/module/run.sh -- --filter 'KillTest|DatabaseFailureTest'
	AFLEXI_DRILL_FPM_REQUESTS=10000 AFLEXI_DRILL_APACHE_REQUESTS=10000 scripts/test-php-ext.sh -- --filter 'FpmRecyclingTest|ApachePreforkTest'
	AFLEXI_PHP_WIRE_FUZZ_CASES=3000 AFLEXI_DRILL_WIRE_LIMIT_BYTES=16777216 scripts/test-php-ext.sh -- --filter 'WireFuzzTest|WireLimitsTest'
	AFLEXI_WIRE_FUZZ_CASES=20000 cargo test --release -p aflexi-core --test wire_fuzz -- --nocapture
	cargo test --release -p aflexi-core --test wire_limits -- --ignored --nocapture
