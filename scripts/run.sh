#!/usr/bin/env bash
# Runs the Infera marketplace locally: sets up the machine if needed, builds, and starts a
# development chain (one node, Alice authoring a block every second). Extra arguments are passed
# to the node, e.g. `scripts/run.sh --rpc-port 9955`. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
# shellcheck source=env.sh
source "$root/scripts/env.sh"
cd "$root"

echo "[run] building the node (first build: about 25 minutes on 2 cores)"
cargo build --locked -p infera-node

node="$CARGO_TARGET_DIR/debug/infera-node"
echo "[run] starting the dev chain: JSON-RPC on ws://127.0.0.1:9944 (polkadot.js: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:9944)"
exec "$node" --dev --offchain-worker always "$@"
