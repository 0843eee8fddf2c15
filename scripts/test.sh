#!/usr/bin/env bash
# Runs every test of the project: sets up the machine if needed, checks formatting, builds the
# node (with its WASM runtime), then runs the unit, integration and end-to-end tests (the latter
# start real node binaries on free loopback ports).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
# shellcheck source=env.sh
source "$root/scripts/env.sh"
cd "$root"

# Every clone at a new path (CI's fresh clones) compiles the workspace crates under new hashes,
# and their incremental state is never reused: 16 GB of it accumulated in one day here and
# filled the disk. Drop incremental state nothing has touched for a day.
if [ -d "$CARGO_TARGET_DIR/debug/incremental" ]; then
	find "$CARGO_TARGET_DIR/debug/incremental" -mindepth 1 -maxdepth 1 -mtime +0 -exec rm -rf {} +
fi
# Test executables of older hashes pile up the same way (about 200 MB each).
python3 "$root/scripts/prune_target.py" "$CARGO_TARGET_DIR/debug/deps"

echo "[test] rustfmt"
cargo fmt --all -- --check

echo "[test] docker/compose.yml against scripts/testnet.sh (no Docker daemon here)"
python3 scripts/check_compose.py

# The runtime-upgrade tests need a second blob: the same runtime one spec version later. With
# INFERA_UPGRADE_BLOB set, the runtime's build script builds it beside the main blob, from the
# same compiled dependencies (one more WASM compile of the runtime crate; see runtime/build.rs).
# Exported for every cargo command below: the build script reruns when it changes.
export INFERA_UPGRADE_BLOB=1
echo "[test] building binaries, tests and the upgrade blob"
cargo build --locked --workspace --bins --tests
export INFERA_UPGRADE_WASM="$CARGO_TARGET_DIR/debug/wbuild/infera-runtime/infera_runtime_upgrade.wasm"
[ -f "$INFERA_UPGRADE_WASM" ] || { echo "[test] no upgrade blob at $INFERA_UPGRADE_WASM" >&2; exit 1; }

export INFERA_NODE_BIN="$CARGO_TARGET_DIR/debug/infera-node"
# The end-to-end executables share one export of the digits models: make it before they run
# side by side (concurrent exports would be correct, written atomically, but repeated work).
[ -f "$INFER_CACHE/models/manifest.json" ] || python3 scripts/export_models.py "$INFER_CACHE/models"
echo "[test] running the tests, several executables at a time (scripts/run_tests.py)"
python3 scripts/run_tests.py -- --locked
