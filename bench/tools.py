#!/usr/bin/env python3
"""bench/run's helpers: make the served data, turn raw result lines into latest.json and the README table.

  tools.py data OUT_DIR                 user.json (from bench/data), list.json (1,000 users), users-100k.csv
  tools.py report RAW.jsonl README.md   bench/results/latest.json, and the table between the markers in README
  tools.py time -- CMD...               runs CMD; one JSON line: wall_s, cpu_s (CMD's user+sys), peak_rss_kib, rc
  tools.py wrk C SECONDS URL HEADER...  runs wrk; one JSON line in the clients' format (no allocations)
"""
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))


def make_data(out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(HERE, "data", "user.json")) as f:
        user = json.load(f)
    with open(os.path.join(out, "user.json"), "w") as f:
        f.write(json.dumps(user, separators=(",", ":")))
    users = []
    for i in range(1000):
        u = json.loads(json.dumps(user))
        u["userUUID"] = "00000000-0000-4000-8000-%012d" % (i + 1)
        u["loginId"] = "user%05d@example.org" % i
        u["profile"]["contact"]["emailAddress"] = u["loginId"]
        users.append(u)
    with open(os.path.join(out, "list.json"), "w") as f:
        f.write(json.dumps(users, separators=(",", ":")))
    with open(os.path.join(out, "users-100k.csv"), "w") as f:
        f.write("loginId,email,name,familyName,mobile\n")
        for i in range(100_000):
            f.write("prov%06d,prov%06d@example.org,Given%d,Family%d,+31 6 %08d\n" % (i, i, i, i, i))


def med(values):
    return statistics.median(values) if values else None


def spread(values):
    return (min(values), max(values)) if values else (None, None)


FIGURES = ["rps", "cpu_us_per_req", "allocs_per_req", "p50_us", "p99_us", "peak_rss_kib"]


def report(raw_path, readme_path):
    rows = [json.loads(line) for line in open(raw_path) if line.strip().startswith("{")]
    # One entry per (scenario, contender): every figure's median and min-max over the rounds.
    table = {}
    extra = {}
    for r in rows:
        kind = r.get("kind", "client")
        if kind != "client":
            extra.setdefault(kind, []).append(r)
            continue
        key = (r["scenario"], r["name"])
        table.setdefault(key, []).append(r)
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "scenarios": {}, "extra": {}}
    for (scenario, name), runs in table.items():
        entry = {"rounds": len(runs)}
        for fig in FIGURES:
            vals = [r[fig] for r in runs if r.get(fig) is not None]
            if vals:
                lo, hi = spread(vals)
                entry[fig] = {"median": med(vals), "min": lo, "max": hi}
        results["scenarios"].setdefault(scenario, {})[name] = entry
    for kind, runs in extra.items():
        results["extra"][kind] = runs
    results["targets"] = targets(results)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "latest.json"), "w") as f:
        json.dump(results, f, indent=1)
    md = markdown(results)
    with open(readme_path) as f:
        text = f.read()
    begin, end = "<!-- bench/run: begin -->", "<!-- bench/run: end -->"
    if begin in text and end in text:
        text = text[: text.index(begin) + len(begin)] + "\n" + md + "\n" + text[text.index(end):]
    else:
        text += "\n" + begin + "\n" + md + "\n" + end + "\n"
    with open(readme_path, "w") as f:
        f.write(text)
    print(md)


def fig(results, scenario, name, figure):
    try:
        return results["scenarios"][scenario][name][figure]["median"]
    except KeyError:
        return None


def extra_median(results, kind, field, where=None):
    vals = [r[field] for r in results["extra"].get(kind, []) if where is None or where(r)]
    return med(vals)


def targets(results):
    out = []

    def ratio(label, a, b, bound, lower_is_better=True):
        if a is None or b is None or b == 0:
            out.append({"target": label, "bound": bound, "ratio": None, "met": False})
            return
        value = a / b
        met = None if bound is None else (value <= bound if lower_is_better else value >= bound)
        out.append({"target": label, "bound": bound, "ratio": round(value, 3), "met": met})

    s64 = "GET one user, 64 in flight"
    instr = lambda name: extra_median(results, "instructions", "per_request", lambda r: r["name"] == name)
    for mode in ("callbacks", "coroutines"):
        ours = "igtcloud (%s)" % mode
        ratio("%s: CPU/request at 64 in flight vs raw Beast floor (<= 1.25)" % mode,
              fig(results, s64, ours, "cpu_us_per_req"), fig(results, s64, "raw Beast floor", "cpu_us_per_req"), 1.25)
        ratio("%s: CPU/request at 64 in flight vs libcurl multi (<= 0.6)" % mode,
              fig(results, s64, ours, "cpu_us_per_req"), fig(results, s64, "libcurl multi", "cpu_us_per_req"), 0.6)
        ratio("%s: requests/s at 64 in flight vs raw Beast floor (>= 0.9)" % mode, fig(results, s64, ours, "rps"),
              fig(results, s64, "raw Beast floor", "rps"), 0.9, lower_is_better=False)
        ratio("%s: instructions per GET-one-user vs raw Beast floor (<= 1.25)" % mode, instr(ours),
              instr("raw Beast floor"), 1.25)
    ratio("decode of the 1,000-user list vs json::parse alone (<= 1.3)",
          extra_median(results, "decode", "decode_ms"), extra_median(results, "decode", "parse_ms"), 1.3)
    model = extra_median(results, "decode_one", "decode_allocs")
    for mode in ("callbacks", "coroutines"):
        allocs = fig(results, s64, "igtcloud (%s)" % mode, "allocs_per_req")
        out.append({"target": "%s: heap allocations per GET-one-user round trip (<= 12)" % mode, "bound": 12,
                    "value": allocs, "met": allocs is not None and allocs <= 12})
        if allocs is not None and model is not None:
            out.append({"target": "  of which the user_info handed to the caller (its strings and vectors)",
                        "bound": None, "value": model, "met": None})
            out.append({"target": "  of which the transport (at most 2 when the model makes 12 impossible)",
                        "bound": 2, "value": round(allocs - model, 2), "met": allocs - model <= 2})
    l64 = "GET the 1,000-user list, 64 in flight"
    rss = lambda name: fig(results, l64, name, "peak_rss_kib")
    ratio("for each user: peak RSS of 64 concurrent 1,000-user lists vs raw Beast floor (<= 0.5)",
          rss("igtcloud (for each user)"), rss("raw Beast floor"), 0.5)
    for mode in ("callbacks", "coroutines"):
        ratio("%s (get_users, the vectors kept): the same peak RSS vs raw Beast floor" % mode,
              rss("igtcloud (%s)" % mode), rss("raw Beast floor"), None)
    lgz = "GET the 1,000-user list, identity and gzip"
    for gz, plain in (("igtcloud (callbacks, gzip)", "igtcloud (callbacks)"),
                      ("igtcloud (for each user, gzip)", "igtcloud (for each user)")):
        ratio("%s: client CPU per list vs identity (<= 1.5)" % gz, fig(results, lgz, gz, "cpu_us_per_req"),
              fig(results, lgz, plain, "cpu_us_per_req"), 1.5)
    ratio("gzip: bytes on the wire per list vs identity", extra_median(results, "wire", "gzip_bytes"),
          extra_median(results, "wire", "identity_bytes"), None)
    ratio("user TU compile time vs Beast TU (<= 0.4)", extra_median(results, "compile", "user_s"),
          extra_median(results, "compile", "beast_s"), 0.4)
    return out


def cell(entry, figure, digits):
    if entry is None or figure not in entry:
        return "–"
    e = entry[figure]
    f = "{:,.%df}" % digits
    return "%s (%s–%s)" % (f.format(e["median"]), f.format(e["min"]), f.format(e["max"]))


def markdown(results):
    lines = ["Measured %s by `bench/run` (medians, min–max over rounds in parentheses; one client thread; "
             "nginx or the mock on the other core)." % results["date"], ""]
    for scenario, contenders in results["scenarios"].items():
        lines += ["#### " + scenario, "",
                  "| contender | requests/s | CPU µs/request | allocations/request | p50 µs | p99 µs | peak RSS KiB |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for name, e in contenders.items():
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                name, cell(e, "rps", 0), cell(e, "cpu_us_per_req", 1), cell(e, "allocs_per_req", 1),
                cell(e, "p50_us", 0), cell(e, "p99_us", 0), cell(e, "peak_rss_kib", 0)))
        lines.append("")
    instr = results["extra"].get("instructions", [])
    if instr:
        lines += ["#### Instructions per GET-one-user round trip (callgrind, c=1, (I(2,200) − I(200)) / 2,000)", "",
                  "| contender | instructions/request |", "| --- | --- |"]
        for r in instr:
            lines.append("| %s | %s |" % (r["name"], "{:,.0f}".format(r["per_request"])))
        lines.append("")
    dec = results["extra"].get("decode", [])
    if dec:
        d = dec[-1]
        lines += ["#### Decoding the 1,000-user list (%s bytes), in process" % "{:,}".format(d["bytes"]), "",
                  "| | CPU ms | MB/s | allocations |", "| --- | --- | --- | --- |",
                  "| `boost::json::parse` alone | %.2f | %.0f | %.0f |" % (
                      med([r["parse_ms"] for r in dec]), d["parse_mb_s"], d["parse_allocs"]),
                  "| ours: `decode<std::vector<user_info>>` | %.2f | %.0f | %.0f |" % (
                      med([r["decode_ms"] for r in dec]), d["decode_mb_s"], d["decode_allocs"]), ""]
    comp = results["extra"].get("compile", [])
    if comp:
        lines += ["#### Compile time of a user translation unit (g++ -O2, seconds)", "",
                  "| TU | median | min–max |", "| --- | --- | --- |"]
        for key, label in (("user_s", "`<igtcloud/entities.hpp>` + three operations"),
                           ("beast_s", "`<boost/beast.hpp>` + `<boost/asio/ssl.hpp>` + one request")):
            vals = [r[key] for r in comp]
            lines.append("| %s | %.2f | %.2f–%.2f |" % (label, med(vals), min(vals), max(vals)))
        lines.append("")
    prov = results["extra"].get("provision", [])
    if prov:
        lines += ["#### Provisioning 100,000 users (igtcloud-users provision, 64 in flight, mock server process)", "",
                  "| wall s | users/s | client CPU s | client CPU µs/user | peak RSS KiB |", "| --- | --- | --- | --- | --- |"]
        for r in prov:
            lines.append("| %.1f | %.0f | %.1f | %.1f | %d |" % (r["wall_s"], r["users_per_s"], r["cpu_s"],
                                                                r["cpu_s"] * 1e6 / r["users"], r["peak_rss_kib"]))
        lines.append("")
    lines += ["#### Targets (ratios from this run)", "", "| target | measured | met |", "| --- | --- | --- |"]
    for t in results["targets"]:
        value = t.get("ratio", t.get("value"))
        met = "" if t["met"] is None else ("yes" if t["met"] else "**no**")
        lines.append("| %s | %s | %s |" % (t["target"], "–" if value is None else
                                           ("%.2f" % value if isinstance(value, float) else value), met))
    return "\n".join(lines)


def run_timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, wall, cpu, after.ru_maxrss


def time_command(cmd):
    proc, wall, cpu, rss = run_timed(cmd)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "peak_rss_kib": rss, "rc": proc.returncode,
                      "stdout": proc.stdout[-2000:], "stderr": proc.stderr[-2000:]}))
    return proc.returncode


def wrk_micros(text):
    value, unit = float(re.match(r"([\d.]+)(\w+)", text).group(1)), re.match(r"([\d.]+)(\w+)", text).group(2)
    return value * {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6}[unit]


def run_wrk(connections, seconds, url, headers):
    cmd = ["wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds, "--latency"]
    for h in headers:
        cmd += ["-H", h]
    proc, wall, cpu, rss = run_timed(cmd + [url])
    out = proc.stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    p50 = wrk_micros(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = wrk_micros(re.search(r"99%\s+(\S+)", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    print(json.dumps({"contender": "wrk", "in_flight": connections, "requests": total, "errors": errors,
                      "seconds": wall, "rps": rps, "cpu_us_per_req": cpu * 1e6 / total, "allocs_per_req": None,
                      "p50_us": p50, "p99_us": p99, "peak_rss_kib": rss}))
    return 0 if errors == 0 and proc.returncode == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "time" and sys.argv[2] == "--":
        sys.exit(time_command(sys.argv[3:]))
    if len(sys.argv) > 4 and sys.argv[1] == "wrk":
        sys.exit(run_wrk(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:]))
    if len(sys.argv) == 3 and sys.argv[1] == "data":
        make_data(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)
