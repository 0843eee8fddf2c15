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

echo "[test] rustfmt"
cargo fmt --all -- --check

echo "[test] docker/compose.yml against scripts/testnet.sh (no Docker daemon here)"
python3 scripts/check_compose.py

echo "[test] building binaries (first build: about 25 minutes on 2 cores)"
cargo build --locked --workspace --bins --tests

# The runtime-upgrade test needs a second blob: the same runtime one spec version later. `check`
# runs the runtime's build script (which builds the blob) without compiling the native runtime;
# its own target dir keeps the main blob untouched.
echo "[test] building the spec-version-bump runtime blob for the upgrade test"
upgrade_target="$INFER_CACHE/target-upgrade"
CARGO_TARGET_DIR="$upgrade_target" cargo check --locked -p infera-runtime --features spec-version-bump
export INFERA_UPGRADE_WASM="$upgrade_target/debug/wbuild/infera-runtime/infera_runtime.wasm"

export INFERA_NODE_BIN="$CARGO_TARGET_DIR/debug/infera-node"
echo "[test] running the tests"
cargo test --locked --workspace
