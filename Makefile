# The two commands of the README, and a few more for developers.
.PHONY: demo test bench

# The main job: the end-to-end demo on the local sandbox.
demo:
	scripts/demo.sh

# Every test.
test:
	scripts/test.sh

# The benchmark figures of docs/BENCHMARKS.md (takes several minutes).
bench:
	cargo run --release -p aflexi-bench
