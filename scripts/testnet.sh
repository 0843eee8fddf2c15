#!/usr/bin/env bash
# A local Infera testnet on loopback ports: 4 validators (Alice, Bob, Charlie, One: BABE + GRANDPA
# on `--chain local`; four so that finality survives one of them down) and 3 provider nodes (Dave,
# Eve, Ferdie: non-validators running off-chain workers), each provider with its own inference
# worker, worker key and provider key.
#
#   scripts/testnet.sh [start]        start everything, wait until finality advances, print endpoints
#   scripts/testnet.sh status         each process alive/dead, best/finalized block per node
#   scripts/testnet.sh stop [--clean] stop everything started (recorded PIDs); --clean removes the folder
#   scripts/testnet.sh register       (re)run the model/provider registration (start does it once)
#   scripts/testnet.sh plan           print each process's command line without starting anything
#
# Environment: INFERA_TESTNET_DIR (default /tmp/infera-testnet: base paths, logs, PIDs),
# INFERA_TESTNET_BASE_PORT (default 31000; the testnet uses base .. base+39),
# INFERA_TESTNET_TIMEOUT (default 300: seconds to wait for RPC and finality; seven debug nodes
# compiling the runtime at once on 2 cores take about 2 minutes to reach genesis),
# INFERA_CLI (default $CARGO_TARGET_DIR/debug/infera: the CLI used to register, if built).
# Uses the built binaries; build them first with `cargo build --workspace --bins`.
# docker/compose.yml mirrors this topology and these flags: keep both in step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=env.sh
source "$root/scripts/env.sh"

DIR="${INFERA_TESTNET_DIR:-/tmp/infera-testnet}"
BASE="${INFERA_TESTNET_BASE_PORT:-31000}"
TIMEOUT="${INFERA_TESTNET_TIMEOUT:-300}"
NODE_BIN="$CARGO_TARGET_DIR/debug/infera-node"
WORKER_BIN="$CARGO_TARGET_DIR/debug/infera-worker"
CLI_BIN="${INFERA_CLI:-$CARGO_TARGET_DIR/debug/infera}"
STATE="$DIR/processes" # one line per process: name kind pid port (rpc port for nodes)

# Alice's node key is 0x…01, so her peer id is fixed and the others can bootnode to her.
ALICE_NODE_KEY=0000000000000000000000000000000000000000000000000000000000000001
ALICE_PEER_ID=12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp
VALIDATORS=(alice bob charlie one)
PROVIDERS=(dave eve ferdie)
NODES=("${VALIDATORS[@]}" "${PROVIDERS[@]}")

log() { printf '\033[1;34m[testnet]\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m[testnet]\033[0m %s\n' "$*" >&2; }
die() {
	printf '\033[1;31m[testnet]\033[0m %s\n' "$*" >&2
	exit 1
}

# Port layout from the base: p2p base+i, RPC base+10+i, Prometheus base+20+i for node i
# (alice, bob, charlie, one, dave, eve, ferdie), worker of provider j (dave, eve, ferdie) base+30+j.
# index_in NAME LIST...: position of NAME in LIST.
index_in() {
	local name="$1" i=0 item
	shift
	for item in "$@"; do
		if [ "$item" = "$name" ]; then
			echo "$i"
			return
		fi
		i=$((i + 1))
	done
	die "unknown node $name"
}
p2p_port() { echo $((BASE + $(index_in "$1" "${NODES[@]}"))); }
rpc_port() { echo $((BASE + 10 + $(index_in "$1" "${NODES[@]}"))); }
prom_port() { echo $((BASE + 20 + $(index_in "$1" "${NODES[@]}"))); }
worker_port() { echo $((BASE + 30 + $(index_in "$1" "${PROVIDERS[@]}"))); }
capitalized() { echo "${1^}"; }

# JSON-RPC over HTTP; prints the `result` member (compact JSON) or fails.
rpc() {
	local port="$1" method="$2" params="${3:-[]}" out
	out="$(curl -sf --max-time 3 -H 'content-type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$method\",\"params\":$params}" \
		"http://127.0.0.1:$port")" || return 1
	jq -ce 'if has("result") then .result else error("no result") end' <<<"$out" 2>/dev/null
}
# Block numbers (decimal) of the best and the finalized head of the node at RPC port $1.
best_number() {
	local header
	header="$(rpc "$1" chain_getHeader)" || return 1
	printf '%d\n' "$(jq -r .number <<<"$header")"
}
finalized_number() {
	local hash header
	hash="$(rpc "$1" chain_getFinalizedHead)" || return 1
	header="$(rpc "$1" chain_getHeader "[$hash]")" || return 1
	printf '%d\n' "$(jq -r .number <<<"$header")"
}

# Alive, and really one of ours (its command line names the testnet folder), so a recycled PID
# is never signalled.
is_ours() {
	local pid="$1"
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$DIR/"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts a process in the background (stdin closed, stdout+stderr to its log) and records it.
spawn() {
	local name="$1" kind="$2" port="$3"
	shift 3
	nohup "$@" </dev/null >"$DIR/logs/$name.log" 2>&1 3>&- 4>&- &
	echo "$name $kind $! $port" >>"$STATE"
	disown "$!" # no job notices from this shell; the PID file is the record
}

# Stops the recorded processes: SIGTERM to all, up to 30 s for them to exit, then SIGKILL.
stop_all() {
	[ -f "$STATE" ] || {
		log "nothing recorded in $STATE: nothing to stop"
		return 0
	}
	local name kind pid port pids=() deadline
	while read -r name kind pid port; do
		if is_ours "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
			pids+=("$pid")
			log "stopping $name ($kind, pid $pid)"
		fi
	done <"$STATE"
	deadline=$((SECONDS + 30))
	for pid in "${pids[@]}"; do
		while is_ours "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
		if is_ours "$pid"; then
			warn "pid $pid did not exit after SIGTERM: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	for pid in "${pids[@]}"; do
		while is_ours "$pid"; do sleep 0.1; done
	done
	rm -f "$STATE"
	log "stopped ${#pids[@]} process(es); logs and databases kept in $DIR"
}

running_pids() {
	[ -f "$STATE" ] || return 0
	local name kind pid port
	while read -r name kind pid port; do
		if is_ours "$pid"; then echo "$name:$pid"; fi
	done <"$STATE"
}

export_models() {
	local models="$DIR/models"
	if [ -f "$models/manifest.json" ]; then return 0; fi
	if ! python3 -c 'import torch, sklearn' 2>/dev/null; then
		warn "no PyTorch/scikit-learn in python3 (run scripts/setup.sh): workers start without demo models"
		return 1
	fi
	log "exporting the demo models into $models (~20 s)"
	if ! timeout 300 python3 "$root/scripts/export_models.py" "$models" >"$DIR/logs/export-models.log" 2>&1; then
		warn "model export failed (see $DIR/logs/export-models.log): workers start without demo models"
		return 1
	fi
}

# The worker token provider $1's node and worker share (`infera keys worker-token` writes the
# same format).
token_file() { echo "$DIR/tokens/$1.token"; }

# Writes a fresh token for every provider that has none (owner-only; kept across restarts).
make_tokens() {
	local n file
	mkdir -p "$DIR/tokens"
	for n in "${PROVIDERS[@]}"; do
		file="$(token_file "$n")"
		[ -f "$file" ] && continue
		(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$file" && echo >>"$file")
	done
}

# The command line of provider $1's worker, one argument per line: own port, own cache dir, own
# key (a dev URI derived from the provider's), own token, file:// artifacts from the demo models'
# folder only; further arguments (the preload flag) are appended.
worker_command() {
	local n="$1"
	shift
	printf '%s\n' "$WORKER_BIN" --listen "127.0.0.1:$(worker_port "$n")" --cache-dir "$DIR/worker-$n" \
		--seed "//$(capitalized "$n")//worker" --artifact-dir "$DIR/models" --token-file "$(token_file "$n")" "$@"
}

# The command line of node $1, one argument per line: validators with their dev keys (Alice the
# bootnode), providers with off-chain workers calling their own worker.
node_command() {
	local n="$1" bootnode extra
	bootnode="/ip4/127.0.0.1/tcp/$(p2p_port alice)/p2p/$ALICE_PEER_ID"
	case "$n" in
	alice) extra=(--alice --validator --node-key "$ALICE_NODE_KEY") ;;
	bob | charlie | one) extra=("--$n" --validator --bootnodes "$bootnode") ;;
	*) extra=(--offchain-worker always --inference-worker-url "http://127.0.0.1:$(worker_port "$n")"
		--inference-worker-token-file "$(token_file "$n")" --bootnodes "$bootnode") ;;
	esac
	printf '%s\n' "$NODE_BIN" --chain local --base-path "$DIR/$n" --name "$n" \
		--listen-addr "/ip4/127.0.0.1/tcp/$(p2p_port "$n")" --rpc-port "$(rpc_port "$n")" \
		--prometheus-port "$(prom_port "$n")" --no-telemetry --no-mdns "${extra[@]}"
}

# What start runs, one process per line (`name: arguments…`), without starting anything:
# scripts/check_compose.py compares it with docker/compose.yml.
plan() {
	local n
	for n in "${PROVIDERS[@]}"; do
		echo "worker-$n: $(worker_command "$n" --preload "$DIR/models/manifest.json" | paste -sd' ')"
	done
	for n in "${NODES[@]}"; do
		echo "$n: $(node_command "$n" | paste -sd' ')"
	done
}

start() {
	if [ ! -x "$NODE_BIN" ] || [ ! -x "$WORKER_BIN" ]; then
		die "missing $NODE_BIN or $WORKER_BIN: build them first with \`source scripts/env.sh && cargo build --workspace --bins\`"
	fi
	command -v curl >/dev/null || die "curl is needed"
	command -v jq >/dev/null || die "jq is needed"
	local running
	running="$(running_pids)"
	[ -z "$running" ] || die "a testnet is already running from $DIR (${running//$'\n'/ }): \`$0 stop\` first (or set INFERA_TESTNET_DIR)"
	local n port
	for n in "${NODES[@]}"; do
		for port in "$(p2p_port "$n")" "$(rpc_port "$n")" "$(prom_port "$n")"; do
			! port_in_use "$port" || die "port $port is in use: choose another INFERA_TESTNET_BASE_PORT"
		done
	done
	for n in "${PROVIDERS[@]}"; do
		! port_in_use "$(worker_port "$n")" || die "port $(worker_port "$n") is in use: choose another INFERA_TESTNET_BASE_PORT"
	done

	mkdir -p "$DIR/logs"
	rm -f "$STATE"
	# From here on, any failure or interruption stops what was started.
	# The traps may fire inside a function whose output is redirected (`rpc ... >/dev/null`), so
	# they write to the script's own stdout/stderr, saved in fds 3 and 4 (closed for children).
	started=no
	exec 3>&1 4>&2
	trap 'if [ "$started" = no ]; then warn "start failed: stopping what was started (logs in $DIR/logs)"; stop_all; fi >&3 2>&4' EXIT
	trap 'exit 130' INT TERM

	local preload=()
	if export_models; then preload=(--preload "$DIR/models/manifest.json"); fi
	mkdir -p "$DIR/models" # the workers' --artifact-dir, even without demo models
	make_tokens

	# Every node but Alice (NODES[0], whose node key is given on the command line) needs a network
	# key on disk: generated once and kept, so peer ids survive restarts.
	for n in "${NODES[@]:1}"; do
		if [ ! -f "$DIR/$n/chains/infera_local/network/secret_ed25519" ]; then
			"$NODE_BIN" key generate-node-key --base-path "$DIR/$n" --chain local 2>>"$DIR/logs/keys.log"
		fi
	done
	# Provider keys (key type `infr`) go into the providers' keystores before their nodes start.
	for n in "${PROVIDERS[@]}"; do
		"$NODE_BIN" key insert --base-path "$DIR/$n" --chain local --key-type infr --scheme sr25519 \
			--suri "//$(capitalized "$n")" 2>>"$DIR/logs/keys.log"
	done

	local n cmd
	for n in "${PROVIDERS[@]}"; do
		mapfile -t cmd < <(worker_command "$n" "${preload[@]}")
		spawn "worker-$n" worker "$(worker_port "$n")" "${cmd[@]}"
	done
	for n in "${NODES[@]}"; do
		mapfile -t cmd < <(node_command "$n")
		spawn "$n" node "$(rpc_port "$n")" "${cmd[@]}"
	done

	wait_ready
	started=yes
	trap - EXIT INT TERM
	exec 3>&- 4>&-
	print_endpoints
	register
}

# Bounded wait: every worker answers `health`, every node `system_health`, and every node sees a
# finalized block above the first one Alice reported (finality advances).
wait_ready() {
	local deadline=$((SECONDS + TIMEOUT)) n pending fin0="" fin
	log "waiting (at most ${TIMEOUT} s) for the workers, every node's RPC and finality"
	while :; do
		pending=()
		for n in "${PROVIDERS[@]}"; do
			rpc "$(worker_port "$n")" health >/dev/null || pending+=("worker-$n")
		done
		for n in "${NODES[@]}"; do
			rpc "$(rpc_port "$n")" system_health >/dev/null || pending+=("$n")
		done
		if [ ${#pending[@]} -eq 0 ]; then
			if [ -z "$fin0" ]; then fin0="$(finalized_number "$(rpc_port alice)" || true)"; fi
			for n in "${NODES[@]}"; do
				fin="$(finalized_number "$(rpc_port "$n")" || echo -1)"
				[ -n "$fin0" ] && [ "$fin" -gt "$fin0" ] || pending+=("finality@$n")
			done
		fi
		[ ${#pending[@]} -eq 0 ] && break
		local name kind pid port
		while read -r name kind pid port; do
			is_ours "$pid" || {
				tail -n 20 "$DIR/logs/$name.log" >&2 || true
				die "$name (pid $pid) exited during start: see $DIR/logs/$name.log"
			}
		done <"$STATE"
		[ "$SECONDS" -lt "$deadline" ] || die "not ready after ${TIMEOUT} s, still waiting for: ${pending[*]}"
		sleep 1
	done
	log "ready: every node answers and finality advanced past block $fin0"
}

print_endpoints() {
	local n key
	echo
	printf '%-8s %-24s %-24s %-38s %s\n' node "RPC (ws)" "RPC (http)" "p2p" prometheus
	for n in "${NODES[@]}"; do
		printf '%-8s %-24s %-24s %-38s %s\n' "$n" "ws://127.0.0.1:$(rpc_port "$n")" \
			"http://127.0.0.1:$(rpc_port "$n")" "/ip4/127.0.0.1/tcp/$(p2p_port "$n")" \
			"http://127.0.0.1:$(prom_port "$n")/metrics"
	done
	echo
	printf '%-14s %-24s %s\n' worker URL "public key (ss58)"
	for n in "${PROVIDERS[@]}"; do
		key="$(rpc "$(worker_port "$n")" health | jq -r '"\(.worker) (\(.worker_ss58))"')"
		printf '%-14s %-24s %s\n' "worker-$n" "http://127.0.0.1:$(worker_port "$n")" "$key"
	done
	echo
	echo "bootnode: /ip4/127.0.0.1/tcp/$(p2p_port alice)/p2p/$ALICE_PEER_ID"
	echo "logs:     $DIR/logs/<name>.log    polkadot.js: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:$(rpc_port alice)"
	echo
}

# Registers the demo models (owner Alice) and the three providers (bond 1000 INF = 1000 * 10^12,
# capacity 4, price 0, both models; each worker proves its key with --worker-url, called with
# the provider's worker token) with the CLI
# when it is built; otherwise prints the commands.
# Model ids are assigned in registration order from 0, so on a fresh chain they are 0 and 1.
register() {
	local manifest="$DIR/models/manifest.json" url m n ids=() i=0 failed=0 cmds=()
	url="ws://127.0.0.1:$(rpc_port alice)"
	if [ ! -f "$manifest" ]; then
		warn "no demo models exported: skipping model/provider registration"
		return 0
	fi
	local -a cmd
	# One command per line in cmds (printf %q quoting), run or printed below.
	for m in $(jq -r '.models | keys[]' "$manifest"); do
		cmd=("$CLI_BIN" --url "$url" --suri //Alice model register --name "$m"
			--artifact "$DIR/models/$(jq -r ".models[\"$m\"].file" "$manifest")"
			--uri "file://$DIR/models/$(jq -r ".models[\"$m\"].file" "$manifest")"
			--input "$(jq -r ".models[\"$m\"].input | \"\(.dtype):\(.shape | map(tostring) | join(\",\"))\"" "$manifest")"
			--output "$(jq -r ".models[\"$m\"].output | \"\(.dtype):\(.shape | map(tostring) | join(\",\"))\"" "$manifest")"
			--rule "$(jq -r ".models[\"$m\"].rule | if type == \"string\" then . else (to_entries[0] | \"\(.key):\(.value | to_entries[0].value)\") end" "$manifest")"
			--fee 0)
		cmds+=("$(printf '%q ' "${cmd[@]}")")
		ids+=("$i")
		i=$((i + 1))
	done
	for n in "${PROVIDERS[@]}"; do
		cmd=("$CLI_BIN" --url "$url" --suri "//$(capitalized "$n")" provider register
			--bond 1000000000000000 --worker-url "http://127.0.0.1:$(worker_port "$n")"
			--worker-token-file "$(token_file "$n")"
			--models "$(
				IFS=,
				echo "${ids[*]}"
			)" --capacity 4 --price 0)
		cmds+=("$(printf '%q ' "${cmd[@]}")")
	done
	if [ ! -x "$CLI_BIN" ]; then
		log "no CLI built yet ($CLI_BIN). Register the models and providers once it is (or with polkadot.js: modelRegistry.registerModel, providerStaking.registerProvider with the proof from the worker's prove_key):"
		printf '  %s\n' "${cmds[@]}"
		return 0
	fi
	log "registering the demo models and the providers with $CLI_BIN"
	for i in "${!cmds[@]}"; do
		# The entries were quoted with printf %q above, so eval restores the exact arguments.
		if eval "timeout 120 ${cmds[$i]}" >>"$DIR/logs/register.log" 2>&1; then
			log "ok: ${cmds[$i]}"
		else
			warn "failed (see $DIR/logs/register.log; check the flags against \`$CLI_BIN --help\`): ${cmds[$i]}"
			failed=1
		fi
	done
	[ "$failed" = 0 ] || warn "registration incomplete: the network runs; register by hand with the commands above"
}

status() {
	[ -f "$STATE" ] || {
		log "no testnet recorded in $DIR"
		return 0
	}
	local name kind pid port alive best fin peers
	printf '%-14s %-7s %-8s %-6s %-6s %-10s %s\n' name kind pid alive port best finalized
	while read -r name kind pid port; do
		if is_ours "$pid"; then alive=yes; else alive=no; fi
		best=-
		fin=-
		if [ "$kind" = node ] && [ "$alive" = yes ]; then
			best="$(best_number "$port" 2>/dev/null || echo '?')"
			fin="$(finalized_number "$port" 2>/dev/null || echo '?')"
			peers="$(rpc "$port" system_health 2>/dev/null | jq -r .peers || echo '?')"
			fin="$fin (peers $peers)"
		fi
		printf '%-14s %-7s %-8s %-6s %-6s %-10s %s\n' "$name" "$kind" "$pid" "$alive" "$port" "$best" "$fin"
	done <"$STATE"
}

case "${1:-start}" in
start) start ;;
stop)
	stop_all
	if [ "${2:-}" = --clean ]; then
		rm -rf "$DIR"
		log "removed $DIR"
	fi
	;;
status) status ;;
plan) plan ;;
register)
	[ -n "$(running_pids)" ] || die "no testnet running from $DIR: \`$0 start\` first"
	register
	;;
-h | --help | help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown subcommand $1: use start, stop [--clean], status, register or plan" ;;
esac
