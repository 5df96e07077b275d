#!/usr/bin/env python3
"""Names the allocation sites IGTCLOUD_ALLOC_TRACE recorded (bench/common/alloc_counter.cpp).

    IGTCLOUD_ALLOC_TRACE=/tmp/t.txt build/ci/bench/bench_igtcloud --requests 5000 ...
    python3 bench/alloc_sites.py /tmp/t.txt 5000 [frames]

One block per distinct stack, most frequent first: allocations per request, then the stack's first `frames`
(default 6) functions outside the C and C++ runtime, resolved with addr2line (RelWithDebInfo or Debug builds
give file:line too).
"""
import collections, subprocess, sys

path, requests = sys.argv[1], float(sys.argv[2])
shown = int(sys.argv[3]) if len(sys.argv) > 3 else 6
stacks, current = [], None
for line in open(path):
    if line.startswith("stack "):
        current = [int(line.split()[1]), []]
        stacks.append(current)
    elif line.strip():
        module, offset = line.split()
        current[1].append((module, offset))

wanted = collections.defaultdict(set)
for _, frames in stacks:
    for module, offset in frames:
        wanted[module].add(offset)
names = {}
for module, offsets in wanted.items():
    offsets = sorted(offsets)
    out = subprocess.run(["addr2line", "-f", "-C", "-e", module] + offsets, capture_output=True, text=True).stdout
    lines = out.splitlines()
    for i, offset in enumerate(offsets):
        func, where = lines[2 * i], lines[2 * i + 1]
        func = func if len(func) <= 110 else func[:107] + "..."
        names[(module, offset)] = f"{func}  [{where.rsplit('/', 1)[-1]}]"

runtime = ("libc.so", "libstdc++.so", "ld-linux")
total = 0
for hits, frames in sorted(stacks, key=lambda s: -s[0]):
    total += hits
    ours = [names[f] for f in frames if not any(r in f[0] for r in runtime)][:shown]
    print(f"{hits / requests:6.2f}  " + "\n        <- ".join(ours))
print(f"{total / requests:6.2f}  in all")
