#!/usr/bin/env python3
"""Checks that docker/compose.yml runs the testnet of scripts/testnet.sh: the same processes, and
for each one the same flags with the same values (ports, keys, roles, bootnode peer id).

Only what containers force may differ, and is compared after normalising: hosts (loopback in the
script; 0.0.0.0, service names or /dns/ addresses in compose) and paths (the script's temp folder;
/data volumes, /opt/infera in the image and /run/secrets for the worker tokens). Flags compose adds for containers
(--rpc-external, --prometheus-external, --rpc-cors all) are allowed. There is no Docker daemon on
our machines, so this is how the compose file is kept true. Run by scripts/test.sh.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH_FLAGS = {
    "--base-path",
    "--cache-dir",
    "--preload",
    "--artifact-dir",
    "--token-file",
    "--inference-worker-token-file",
}


def normalise(token: str) -> str:
    token = re.sub(r"^/(ip4|dns)/[^/]+/", "/HOST/", token)
    token = re.sub(r"^(https?://)[^:/]+", r"\1HOST", token)
    return re.sub(r"^(127\.0\.0\.1|0\.0\.0\.0):", "HOST:", token)


def flags(tokens):
    """(flag, value) pairs of a command line; a flag without a value gets None."""
    pairs, i = [], 0
    while i < len(tokens):
        flag = tokens[i]
        value = None
        if i + 1 < len(tokens) and not tokens[i + 1].startswith("--"):
            value = tokens[i + 1]
            i += 1
        if flag.startswith("--"):
            pairs.append((flag, "PATH" if flag in PATH_FLAGS else normalise(value or "")))
        i += 1
    return pairs


def compose_services(text: str):
    """Service name -> the argument tokens of its process (infera-node or infera-worker)."""
    body = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    services = {}
    for block in re.split(r"\n(?=  [a-z][a-z-]*:\n)", body):
        match = re.match(r"\s*([a-z][a-z-]*):\n", block)
        if not match:
            continue
        name = match.group(1)
        node = re.search(r"exec infera-node (.*?)\n    [a-z_]+:", block, re.S)
        if node:
            services[name] = node.group(1).split()
            continue
        worker = re.search(r"command: \[(.*?)\]", block, re.S)
        if worker:
            services[name] = re.findall(r'"([^"]*)"', worker.group(1))
    return services


def main() -> int:
    plan = subprocess.run(
        [str(ROOT / "scripts/testnet.sh"), "plan"], check=True, capture_output=True, text=True
    ).stdout
    script = {}
    for line in plan.splitlines():
        name, command = line.split(": ", 1)
        script[name] = command.split()[1:]  # without the binary's path
    compose = compose_services((ROOT / "docker/compose.yml").read_text())
    problems = []
    if set(script) != set(compose):
        problems.append(f"processes differ: script {sorted(script)}, compose {sorted(compose)}")
    for name in sorted(set(script) & set(compose)):
        theirs = flags(compose[name])
        for pair in flags(script[name]):
            if pair not in theirs:
                problems.append(f"{name}: compose lacks {pair[0]} {pair[1]} (it has {theirs})")
    for problem in problems:
        print(f"[check_compose] {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"[check_compose] docker/compose.yml matches scripts/testnet.sh ({len(script)} processes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
