#!/usr/bin/env bash
# Regenerates the weights of our pallets with the node's benchmark CLI (frame-benchmarking v2,
# WASM execution of the real runtime): builds the node with `--features runtime-benchmarks` into
# its own target dir (a second build of every frame crate; about 40 minutes the first time on 2
# cores), then writes pallets/<pallet>/src/weights.rs from scripts/weights/pallet-weights.hbs.
#
#   scripts/benchmark.sh [--release] [pallet ...]   default: every pallet that has calls
#   STEPS=50 REPEAT=20 (defaults): fewer make a debug run of the job pallet (whose setup creates
#   up to 64 providers per repeat) take minutes instead of hours.
#
# `storage` in place of a pallet measures the database instead: the cost of one read and one
# write over a chain's state, written to runtime/src/weights/paritydb_weights.rs (the runtime's
# DbWeight, which every generated weight multiplies its reads and writes by). It reads the
# state of the dev chain at BENCH_BASE_PATH (default: a fresh dev chain's genesis); a chain that
# has run load (`infera-node --dev --base-path DIR` plus `infera-load`) is closer to production.
#
# Each weight term is the larger of the two fits the CLI makes (`--output-analysis max`: least
# squares and median slopes): on a noisy VM, least squares alone fitted submit_job's fixed cost at
# a third of its fastest run.
#
# The WASM runtime is always optimised, but the host functions it calls (storage, hashing,
# signature checks) run in the node's native code: a debug node measures the debug chain we run
# in tests and demos (tens of times slower than release); production weights need --release.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=env.sh
source "$root/scripts/env.sh"
cd "$root"
profile=debug
if [ "${1:-}" = --release ]; then
	profile=release
	shift
fi
bench_target="$INFER_CACHE/target-bench"
profile_flag=()
[ "$profile" = debug ] || profile_flag=(--release)
CARGO_TARGET_DIR="$bench_target" cargo build --locked "${profile_flag[@]}" -p infera-node \
	--features runtime-benchmarks
node="$bench_target/$profile/infera-node"

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(model-registry provider-staking job-escrow)
for pallet in "${pallets[@]}"; do
	if [ "$pallet" = storage ]; then
		echo "[benchmark] storage (database read/write weights)"
		base_path=()
		[ -z "${BENCH_BASE_PATH:-}" ] || base_path=(--base-path "$BENCH_BASE_PATH")
		# Writes are committed in batches of 100 keys (the default, 100 000, exceeds a dev state).
		"$node" benchmark storage --chain dev "${base_path[@]}" --state-version 1 --batch-size 100 \
			--template-path scripts/weights/db-weights.hbs --weight-path runtime/src/weights/
		continue
	fi
	echo "[benchmark] pallet_${pallet//-/_}"
	"$node" benchmark pallet --chain dev --wasm-execution compiled \
		--pallet "pallet_${pallet//-/_}" --extrinsic '*' --steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--output-analysis max --template scripts/weights/pallet-weights.hbs \
		--output "pallets/$pallet/src/weights.rs"
done
