#!/usr/bin/env bash
# Runs the Infera marketplace locally, end to end:
#   1. sets up the machine if needed (scripts/setup.sh) and builds every binary;
#   2. exports the demo models if missing ($INFER_CACHE/models);
#   3. starts an inference worker (key //AliceWorker) and a dev node whose off-chain worker
#      answers Alice's jobs by calling that worker;
#   4. with the `infera` CLI: Bob registers digits-cnn (file:// URI, top_k:1), Alice bonds as its
#      provider with the worker's public key, Charlie submits N held-out digit images as jobs;
#   5. starts `infera gateway` (paid by Dave) and prints the web console's URL;
#   6. follows every job (submitted -> assigned -> answered -> paid), then prints the on-chain
#      accuracy against the labels and who paid and earned what (balances before/after).
#
# Usage: scripts/run.sh [--jobs N] [--load N] [--node BIN] [--base-path DIR] [--keep-running]
#                       [--no-build] [-- NODE_ARG...]
#   --jobs N          number of held-out images submitted (default 20)
#   --load N          instead of step 4's jobs and step 5, send N pre-signed jobs from 16
#                     accounts with `infera-load` and print its measurements (rates, latency,
#                     deadlines kept, the block capacity the weights give); the slashes are set
#                     to zero first (`--no-slashes`), so that the one provider, which cannot
#                     answer as fast as the chain takes jobs, is not slashed out mid-run
#   --node BIN        the node binary (default: the debug build; e.g. a release build)
#   --base-path DIR   keep the chain's database in DIR (default: a temporary one)
#   --keep-running    leave node, worker and gateway up at the end (Ctrl-C stops them)
#   --no-build        use the binaries already built (skips setup and cargo)
#   -- NODE_ARG...    the rest goes to the dev node (e.g. -- --pool-type single-state)
# Ctrl-C stops everything at any point.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

jobs=20
load=0
node_bin=""
base_path=()
node_args=()
keep_running=0
build=1
while [ $# -gt 0 ]; do
	case "$1" in
	--jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
	--jobs=*) jobs="${1#--jobs=}"; shift ;;
	--load) load="${2:?--load needs a number}"; shift 2 ;;
	--node) node_bin="${2:?--node needs a path}"; shift 2 ;;
	--base-path) base_path=(--base-path "${2:?--base-path needs a folder}"); shift 2 ;;
	--keep-running) keep_running=1; shift ;;
	--no-build) build=0; shift ;;
	--) shift; node_args=("$@"); break ;;
	-h | --help) sed -n '2,23p' "$0"; exit 0 ;;
	*) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
	esac
done
case "$jobs$load" in '' | *[!0-9]*) echo "--jobs and --load need positive numbers" >&2; exit 2 ;; esac

log() { printf '\033[1;34m[run]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[run]\033[0m %s\n' "$*" >&2; exit 1; }

[ "$build" -eq 1 ] && bash "$root/scripts/setup.sh"
# shellcheck source=env.sh
source "$root/scripts/env.sh"
cd "$root"

if [ "$build" -eq 1 ]; then
	log "building (first build: about 14 minutes on 2 cores)"
	cargo build --locked --workspace --bins
fi

node_bin="${node_bin:-$CARGO_TARGET_DIR/debug/infera-node}"
[ -x "$node_bin" ] || die "no node binary at $node_bin"
[ ${#base_path[@]} -gt 0 ] || base_path=(--tmp)
worker_bin="$CARGO_TARGET_DIR/debug/infera-worker"
cli_bin="$CARGO_TARGET_DIR/debug/infera"

models="$INFER_CACHE/models"
if [ ! -f "$models/manifest.json" ] || [ ! -f "$models/digits-cnn.pt" ] || [ ! -f "$models/heldout.bin" ]; then
	log "exporting the demo models into $models"
	python3 scripts/export_models.py "$models"
fi
n_heldout=$(( $(stat -c %s "$models/heldout.bin") / 256 ))
[ "$jobs" -ge 1 ] && [ "$jobs" -le "$n_heldout" ] || die "--jobs must be between 1 and $n_heldout"

# Logs, worker cache and job inputs of the last run stay here for inspection.
work="$INFER_CACHE/run"
rm -rf "$work"
mkdir -p "$work"
pids=()
cleanup() {
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'echo; log "interrupted: stopping node and worker"; exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
worker_port=$(free_port)
rpc_port=$(free_port)
p2p_port=$(free_port)
url="ws://127.0.0.1:$rpc_port"

# --- the inference worker ------------------------------------------------------------------
log "starting the inference worker on 127.0.0.1:$worker_port (logs: $work/worker.log)"
# No --preload: the manifest suggests quantized:3 for digits-cnn, and a worker keys models by
# artifact hash, so a preloaded rule would override the registered top_k:1. The off-chain worker
# loads the model with its on-chain spec and rule on the first job instead.
# The node and the worker share a token (the worker answers HTTP 401 to calls without it), and
# the worker reads file:// artifacts only under --artifact-dir.
token="$work/worker.token"
"$cli_bin" keys worker-token --out "$token" >/dev/null
"$worker_bin" --listen "127.0.0.1:$worker_port" --cache-dir "$work/worker" --seed //AliceWorker \
	--artifact-dir "$models" --token-file "$token" \
	>"$work/worker.out" 2>"$work/worker.log" &
pids+=($!)
worker_key=""
for _ in $(seq 1 600); do
	worker_key=$(sed -n 's/^worker public key: \(0x[0-9a-f]\{64\}\).*/\1/p' "$work/worker.out")
	[ -n "$worker_key" ] && break
	kill -0 "${pids[0]}" 2>/dev/null || { tail -20 "$work/worker.log" >&2; die "the worker exited"; }
	sleep 0.2
done
[ -n "$worker_key" ] || die "the worker printed no public key"
log "worker public key $worker_key"

# --- the dev node --------------------------------------------------------------------------
log "starting the dev node: $url (logs: $work/node.log)"
"$node_bin" --dev "${base_path[@]}" --offchain-worker always \
	--inference-worker-url "http://127.0.0.1:$worker_port" --inference-worker-token-file "$token" \
	--rpc-port "$rpc_port" --port "$p2p_port" --no-prometheus --no-telemetry --no-mdns \
	"${node_args[@]}" >"$work/node.log" 2>&1 &
pids+=($!)

infera() { "$cli_bin" --url "$url" "$@"; }
# Reads one field of the JSON document on stdin: jfield key [key...]
jfield() { python3 -c 'import json,sys
d=json.load(sys.stdin)
for k in sys.argv[1:]: d=d[int(k)] if isinstance(d,list) else d[k]
print(d)' "$@"; }

for i in $(seq 1 360); do
	infera balance >/dev/null 2>&1 && break
	kill -0 "${pids[1]}" 2>/dev/null || { tail -30 "$work/node.log" >&2; die "the node exited"; }
	[ "$i" -eq 360 ] && die "the node serves no JSON-RPC after 180 s"
	sleep 0.5
done
log "node is up"

# Treasury: PalletId(*b"inf/trsy") as account ("modl" ++ id, zero padded).
treasury="0x$(printf 'modlinf/trsy' | od -An -tx1 | tr -d ' \n')$(printf '0%.0s' $(seq 1 40))"
actors=(Alice Bob Charlie treasury)
account_of() { if [ "$1" = treasury ]; then echo "$treasury"; else echo "//$1"; fi; }
declare -A before after
for a in "${actors[@]}"; do
	before[$a]=$(infera --json balance "$(account_of "$a")" | jfield free)
done

# --- model, provider -----------------------------------------------------------------------
log "Bob registers digits-cnn (top_k:1, fee 0.01 INF)"
model=$(infera --suri //Bob --json model register --name digits-cnn \
	--artifact "$models/digits-cnn.pt" --uri "file://$models/digits-cnn.pt" \
	--input f32:1,8,8 --output f32:10 --rule top_k:1 --fee 0.01INF | jfield model)
infera model show "$model"

log "Alice bonds 1000 INF as provider of model $model (price 0.02 INF, worker $worker_key)"
# The worker signs the proof that its key is Alice's (prove_key); --worker-key is checked.
infera --suri //Alice provider register --bond 1000INF \
	--worker-url "http://127.0.0.1:$worker_port" --worker-token-file "$token" --worker-key "$worker_key" \
	--models "$model" --capacity "$((jobs > load ? jobs : load))" --price 0.02INF

if [ "$load" -gt 0 ]; then
	log "infera-load: $load pre-signed jobs from 16 accounts (node $node_bin)"
	"$CARGO_TARGET_DIR/debug/infera-load" --url "$url" --model "$model" --jobs "$load" --senders 16 \
		--no-slashes
	exit 0
fi

# --- the gateway and console ---------------------------------------------------------------
# Dave pays for what the gateway runs (Open Inference Protocol V2 at /v2, the console at /).
gateway_port=$(free_port)
gateway="http://127.0.0.1:$gateway_port"
"$cli_bin" --url "$url" --suri //Dave gateway --listen "127.0.0.1:$gateway_port" >"$work/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
	curl -sf "$gateway/v2/health/ready" >/dev/null && break
	kill -0 "${pids[2]}" 2>/dev/null || { tail -20 "$work/gateway.log" >&2; die "the gateway exited"; }
	sleep 0.2
done
log "gateway and console: $gateway/ (V2: $gateway/v2/models/digits-cnn; logs: $work/gateway.log)"

# --- jobs ----------------------------------------------------------------------------------
mapfile -t labels < <(python3 -c 'import json,sys; print("\n".join(map(str, json.load(open(sys.argv[1])))))' \
	"$models/heldout_labels.json")
log "Charlie submits $jobs held-out images"
job_ids=()
for i in $(seq 0 $((jobs - 1))); do
	dd if="$models/heldout.bin" of="$work/image_$i.bin" bs=256 skip="$i" count=1 status=none
	out=$(infera --suri //Charlie --json job submit --model "$model" --input "$work/image_$i.bin" \
		--max-price 1INF)
	id=$(echo "$out" | jfield job_id)
	job_ids+=("$id")
	echo "  image $i (label ${labels[$i]}): job $id submitted, $(echo "$out" | jfield price) units held, provider $(echo "$out" | jfield providers 0)"
done

log "following the jobs"
correct=0
completed=0
for i in $(seq 0 $((jobs - 1))); do
	id=${job_ids[$i]}
	infera job wait "$id" --timeout 180 | grep -E '^job [0-9]+: ' | grep -vE '^job [0-9]+: model ' |
		sed 's/^/  /' || true
	show=$(infera --json job show "$id")
	state=$(echo "$show" | jfield state)
	if [ "$state" = completed ]; then
		completed=$((completed + 1))
		pred=$(echo "$show" | jfield top_k 0)
		mark="wrong"
		[ "$pred" = "${labels[$i]}" ] && { correct=$((correct + 1)); mark="right"; }
		echo "  => image $i: predicted $pred, label ${labels[$i]} ($mark)"
	else
		echo "  => image $i: job $id $state"
	fi
done

for a in "${actors[@]}"; do
	after[$a]=$(infera --json balance "$(account_of "$a")" | jfield free)
done

log "results"
python3 - "$correct" "$completed" "$jobs" <<'EOF'
import sys
c, done, n = map(int, sys.argv[1:])
print(f"  on-chain accuracy: {c}/{n} = {c / n:.4f}" + (f" ({n - done} jobs without a result)" if done < n else ""))
EOF
echo "  free balances (INF), before -> after (delta):"
for a in "${actors[@]}"; do
	python3 - "$a" "${before[$a]}" "${after[$a]}" <<'EOF'
import sys
name, b, a = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
u = 10**12
role = {"Alice": "provider (bond held, earns price; pays OCW tx fees)", "Bob": "model author (earns fee)",
        "Charlie": "user (pays price + fees + tx fees)", "treasury": "protocol fees + slashes"}[name]
print(f"    {name:9s} {b / u:>18.6f} -> {a / u:>18.6f}  ({(a - b) / u:+.6f})  {role}")
EOF
done
infera provider show //Alice | sed 's/^/  /'

if [ "$keep_running" -eq 1 ]; then
	log "node: $url   worker: http://127.0.0.1:$worker_port   console: $gateway/   (Ctrl-C stops them)"
	log "try: curl -s $gateway/v2/models/digits-cnn/infer -d '{\"inputs\":[{\"name\":\"input\",\"shape\":[1,8,8],\"datatype\":\"FP32\",\"data\":[$(python3 -c 'print(",".join(["0"]*64))')]}]}'"
	log "try: $cli_bin --url $url job show ${job_ids[0]}"
	wait "${pids[1]}"
fi
