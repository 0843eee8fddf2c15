#!/usr/bin/env python3
"""Runs the workspace's test executables side by side instead of one after another.

`cargo test --workspace` runs its test executables one at a time. Most of this project's time is
spent in end-to-end executables that start real nodes and workers and then wait for blocks: on a
2-core machine one of them leaves the cores mostly idle. This script builds every test
executable once (`cargo test --no-run`), then runs up to `--jobs` of them at a time, the longest
first (by the durations it recorded on earlier runs, or on a first run those committed in
`scripts/test-durations.json`), each in its package's folder as cargo would, and prints each one's whole output when it ends, in cargo's format (`Running …`,
`test result: …`). Then the doc tests, through cargo. Then a table of every executable's time
and the wall time. `--jobs 1` runs them one at a time, as `cargo test` would, for comparison.

The end-to-end tests choose their ports by binding port 0, so executables running side by side
do not collide; the models they export are written atomically.

usage: run_tests.py [--jobs N] [--timeout SECS] [-- extra cargo args]

An executable that runs longer than `--timeout` is stopped, with everything it started (its
process group), and counts as failed. An executable that fails while others run is run once
more, alone, after them (the end-to-end tests have block deadlines, which a machine loaded by
other executables can make a restarted node miss); the table names every such retry, and the
exit status is 1 if any executable failed alone.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# Executables run at once. The end-to-end executables mostly wait for blocks; 4 kept two cores
# busy without making block production miss its slots (measured; see README "Tests").
DEFAULT_JOBS = 4
# An executable that has not ended after this long hangs: the slowest takes about 5 minutes.
DEFAULT_TIMEOUT_SECS = 30 * 60
# What an executable never run before is assumed to take, to order it among the others.
UNKNOWN_DURATION_SECS = 60.0
DURATIONS_FILE = "test-durations.json"


class Executable:
    """One test executable cargo built: its display name, path and package folder."""

    def __init__(self, artifact):
        target = artifact["target"]
        kind = target["kind"][0]
        self.path = artifact["executable"]
        self.cwd = os.path.dirname(artifact["manifest_path"])
        self.key = f"{os.path.basename(self.cwd)}/{kind}/{target['name']}"
        src = os.path.relpath(target["src_path"], self.cwd)
        self.label = f"unittests {src}" if kind in ("lib", "bin", "proc-macro") else src
        self.status = None
        self.seconds = 0.0


def build(cargo_args):
    """Builds every test executable; returns them (cargo's compile errors go to stderr)."""
    cmd = ["cargo", "test", "--workspace", "--no-run", "--message-format=json-render-diagnostics"]
    proc = subprocess.run(cmd + cargo_args, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(proc.returncode)
    found = []
    for line in proc.stdout.splitlines():
        message = json.loads(line)
        if (
            message.get("reason") == "compiler-artifact"
            and message["profile"]["test"]
            and message.get("executable")
        ):
            found.append(Executable(message))
    return found


def run_one(exe, timeout, lock):
    """Runs one executable to its end or its timeout; prints its output in one piece."""
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [exe.path],
            cwd=exe.cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            exe.status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            exe.status = "timeout"
        exe.seconds = time.monotonic() - start
        out.seek(0)
        text = out.read().decode(errors="replace")
    with lock:
        print(f"     Running {exe.label} ({exe.path})")
        sys.stdout.write(text)
        if exe.status == "timeout":
            print(f"[tests] {exe.key}: stopped after {timeout} s (timeout)")
        print(f"[tests] {exe.key}: {'ok' if exe.status == 0 else 'FAILED'} in {exe.seconds:.1f} s")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("INFERA_TEST_JOBS", DEFAULT_JOBS)))
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_SECS)
    parser.add_argument("cargo_args", nargs="*")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")

    executables = build(args.cargo_args)
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    durations_path = os.path.join(target, DURATIONS_FILE)
    past = {}
    # The times this machine recorded, else the ones committed beside this script (a first run
    # on an empty machine still starts the longest executables first).
    for path in (durations_path, os.path.join(os.path.dirname(__file__), DURATIONS_FILE)):
        try:
            with open(path) as f:
                past = json.load(f)
            break
        except (OSError, ValueError):
            continue
    executables.sort(key=lambda e: past.get(e.key, UNKNOWN_DURATION_SECS), reverse=True)

    print(f"[tests] {len(executables)} test executables, {args.jobs} at a time")
    sys.stdout.flush()
    lock = threading.Lock()
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for future in [pool.submit(run_one, e, args.timeout, lock) for e in executables]:
            future.result()
    # An executable that failed among others runs once more, alone: a failure that only
    # contention for the cores caused passes then, and is reported as such; a real one fails
    # again.
    retried = [e for e in executables if e.status != 0]
    for exe in retried:
        print(f"[tests] {exe.key} failed among others: running it again, alone")
        sys.stdout.flush()
        run_one(exe, args.timeout, lock)
    wall = time.monotonic() - start

    past.update({e.key: round(e.seconds, 1) for e in executables if e.status == 0})
    os.makedirs(target, exist_ok=True)
    with open(durations_path, "w") as f:
        json.dump(past, f, indent=1, sort_keys=True)

    print("[tests] doc tests")
    sys.stdout.flush()
    doc = subprocess.run(["cargo", "test", "--workspace", "--doc"] + args.cargo_args).returncode

    serial = sum(e.seconds for e in executables)
    print("[tests] executable                                        seconds  status")
    for e in sorted(executables, key=lambda e: e.seconds, reverse=True):
        status = "ok" if e.status == 0 else f"FAILED ({e.status})"
        if e in retried:
            status += " on its retry alone, after failing among others"
        print(f"[tests] {e.key:<50} {e.seconds:7.1f}  {status}")
    # Each executable's time here is slowed by the others sharing the cores, so their sum is more
    # than a one-at-a-time run takes (compare with `--jobs 1`).
    print(
        f"[tests] wall time {wall:.0f} s, {args.jobs} at a time; the executables' own times add "
        f"up to {serial:.0f} s ({serial / wall if wall else 0:.2f}x the wall time)"
    )
    failed = [e.key for e in executables if e.status != 0]
    if doc != 0:
        failed.append("doc tests")
    if failed:
        print(f"[tests] FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
