"""Removes stale executables from a cargo `deps` folder.

Every clone at a new path (CI's fresh clones) and every change of a crate links its test and
binary executables again under new hashes, about 200 MB each; cargo never removes the old
ones, and 25 GB of them filled this machine's disk once. For every executable name this keeps
the newest, and any other modified within the last day (a second current variant, such as one
built with other features; were it removed, cargo would only link it again).

usage: prune_target.py <target>/debug/deps
"""
import os
import re
import sys
import time

KEEP_RECENT_SECS = 24 * 3600
EXECUTABLE = re.compile(r"(.+)-([0-9a-f]{16})")


def main():
    deps = sys.argv[1]
    if not os.path.isdir(deps):
        return
    by_name = {}
    for name in os.listdir(deps):
        match = EXECUTABLE.fullmatch(name)
        path = os.path.join(deps, name)
        if not match or not os.path.isfile(path):
            continue
        st = os.stat(path)
        if st.st_mode & 0o111:
            by_name.setdefault(match.group(1), []).append((st.st_mtime, path, st.st_size))
    now, freed = time.time(), 0
    for versions in by_name.values():
        versions.sort()
        for mtime, path, size in versions[:-1]:
            if now - mtime > KEEP_RECENT_SECS:
                os.remove(path)
                freed += size
    print(f"[test] removed {freed / 1e9:.1f} GB of stale test executables")


if __name__ == "__main__":
    main()
