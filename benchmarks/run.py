#!/usr/bin/env python3
"""Benchmark the build at 100k output rows against its targets; write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py [--sizes 100000] [--repeat 3] [--out benchmarks/RESULTS.md] [--before FILE]

Issue #21 point 7: speed at 100k rows in the vote- and passage-heavy shape. One run
generates synthetic sources with benchmarks/generate.py (General Assembly resolutions
with recorded votes of 193 states and their text as passages, about half the rows;
evidence and topic tags counted as output rows) and measures, each in a fresh
interpreter as a contributor runs it (interpreter start and imports included):

- build: `build.py` into an empty folder, so without a cache (cold);
- rebuild after editing one file (a recorded-vote resolution), with the cache of the
  build before; and the cached build with nothing changed;
- `build.py validate`, as a contributor runs it after editing one file since the last build
  (it reads the build's cache, never writes it), and with `--no-cache`, as CI runs it on a
  fresh clone;
- `frictionless validate` of the build's datapackage.json, for comparison;
- the parse floor: `yaml.load(text, Loader=yaml.CSafeLoader)` of every source file in
  a fresh process of the same interpreter (libyaml's C parser and composer, PyYAML's safe
  constructor), nothing built from the result; and, for reference, the walk of libyaml's
  event stream (`yaml.parse(text, Loader=yaml.CBaseLoader)`), which is what aigov/yamlio.py
  reads;
- `build.py site` and `build.py dist` of the built package;
- peak memory: the peak RSS of each measured process (``os.wait4``'s getrusage of that
  child alone), and the peak of Python's heap in the build (tracemalloc, in a run of its own).

The targets are checked on wall times, the best of --repeat runs (the machine may be
shared: the load average and CPU times are recorded beside them). For each missed target
the command is run once more under cProfile and the top of its profile goes into
RESULTS.md. The numbers are also written as JSON beside RESULTS.md (results.json);
``--before`` names such a file from an earlier commit, shown as a "before" column.
"""

import argparse
import glob
import itertools
import json
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, "build.py")
sys.path.insert(0, HERE)
from generate import generate  # noqa: E402

# The generated sources are example data (example.org addresses); see aigov/checks/guards.py.
os.environ["AIGOV_ALLOW_EXAMPLE_DATA"] = "1"

_FILES = """
import os, sys, yaml
def texts(src):
    for table in ("actors", "events", "instruments", "systems", "articles"):
        folder = os.path.join(src, table)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            with open(os.path.join(folder, name), "rb") as fh:
                yield fh.read().decode("utf-8")
"""
FLOOR = _FILES + """
for text in texts(sys.argv[1]):
    yaml.load(text, Loader=yaml.CSafeLoader)
"""
EVENTS = _FILES + """
for text in texts(sys.argv[1]):
    for _ in yaml.parse(text, Loader=yaml.CBaseLoader):
        pass
"""
# The build under tracemalloc: the peak of Python's heap (a slower run of its own).
TRACED = """
import runpy, sys, tracemalloc
tracemalloc.start()
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit:
    pass
finally:
    sys.stderr.write(f"\\ntracemalloc-peak {tracemalloc.get_traced_memory()[1]}\\n")
"""

GIB = 1024 * 1024  # KiB in a GiB (ru_maxrss is in KiB on Linux)


class Run:
    def __init__(self, wall, cpu, rss_kib, returncode, stderr, stopped=False):
        self.wall, self.cpu, self.rss, self.returncode, self.stderr, self.stopped = wall, cpu, rss_kib, returncode, stderr, stopped

    def ok(self):
        return self.returncode == 0 and not self.stopped

    def json(self):
        return {"wall": round(self.wall, 3), "cpu": round(self.cpu, 3), "rss_mib": round(self.rss / 1024, 1),
                "ok": self.ok(), "stopped": self.stopped}


def run_once(cmd, timeout=None) -> Run:
    """Wall time, CPU time and peak RSS of one child process (rusage of that child only),
    stopped after ``timeout`` seconds if given."""
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
    stopped = False
    while True:
        pid, status, usage = os.wait4(proc.pid, 0 if timeout is None else os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            proc.kill()
            stopped = True
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, err.read().decode("utf-8", "replace"), stopped)


def best(cmd, repeat, before=None, check=True, timeout=None, budget=60.0) -> Run:
    """The fastest of ``repeat`` runs; ``before`` runs ahead of each (e.g. to empty a folder).
    A command slower than ``budget`` seconds is run once only."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run_once(cmd, timeout))
        if check and not runs[-1].ok():
            raise SystemExit(f"{' '.join(cmd)} failed:\n{runs[-1].stderr[-3000:]}")
        if runs[-1].wall > budget or runs[-1].stopped:
            break
    return min(runs, key=lambda r: r.wall)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(python, size, repeat, site_timeout, profile_dir) -> dict:
    """Every measurement at one size; ``profile_dir`` keeps what a profile run needs (sources, package, edit)."""
    src = os.path.join(profile_dir, "sources")
    rows = generate(src, size)
    files = len(glob.glob(os.path.join(src, "*", "*.yaml")))
    out = os.path.join(profile_dir, "out")
    build_cmd = [python, BUILD, "--sources", src, "--out", out]
    r = {"rows": rows, "files": files, "bytes": sum(os.path.getsize(p) for p in glob.glob(os.path.join(src, "*", "*.yaml")))}
    r["floor"] = best([python, "-c", FLOOR, src], repeat)
    r["events"] = best([python, "-c", EVENTS, src], repeat)
    r["build"] = best(build_cmd, repeat, before=lambda: shutil.rmtree(out, ignore_errors=True))  # cold: no cache
    r["warm"] = best(build_cmd, repeat)  # cache present, nothing changed
    r["rebuild"] = best(build_cmd, repeat, before=edit_one(src))
    package = os.path.join(out, "datapackage")
    validate = [python, BUILD, "validate", "--sources", src]
    if has_option(python, "validate", "--cache-from"):
        r["validate"] = best(validate + ["--cache-from", out], repeat, before=edit_one(src))  # a contributor: edit, validate
        r["validate_cold"] = best(validate + ["--no-cache"], repeat)
    else:  # before the cache was shared with validate: it always parsed every file
        r["validate"] = r["validate_cold"] = best(validate, repeat)
    r["frictionless"] = best([os.path.join(os.path.dirname(python), "frictionless"), "validate",
                              os.path.join(package, "datapackage.json")], 1, check=False)
    r["dist"] = best([python, BUILD, "dist", "--package", package, "--out", os.path.join(profile_dir, "dist")], repeat)
    r["site"] = best([python, BUILD, "site", "--package", package, "--out", os.path.join(profile_dir, "site")], repeat,
                     check=False, timeout=site_timeout)
    traced = run_once([python, "-c", TRACED, BUILD, "--no-cache", "--sources", src, "--out", os.path.join(profile_dir, "traced")])
    peak = [line for line in traced.stderr.splitlines() if line.startswith("tracemalloc-peak ")]
    r["heap_peak"] = int(peak[-1].split()[1]) if peak else None
    shutil.rmtree(os.path.join(profile_dir, "traced"), ignore_errors=True)
    r["commands"] = {"build": build_cmd, "package": package, "src": src, "out": out}
    return r


def has_option(python, command, option) -> bool:
    out = subprocess.run([python, BUILD, command, "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    return option in out


_EDITS = itertools.count(1)


def edit_one(src):
    """A different one-line change to one resolution before each run, so each run re-reads exactly one file."""
    edited = sorted(glob.glob(os.path.join(src, "instruments", "unga-res-*.yaml")))[0]

    def edit():
        with open(edited, encoding="utf-8") as fh:
            text = fh.read()
        changed = re.sub(r"(Edit \d+: a|A) synthetic General Assembly resolution",
                         f"Edit {next(_EDITS)}: a synthetic General Assembly resolution", text, count=1)
        assert changed != text
        with open(edited, "w", encoding="utf-8") as fh:
            fh.write(changed)

    return edit


def targets(r) -> list[tuple[str, str, str, bool, str]]:
    """(target, limit, measured, met, profile key) for each target of #21 point 7."""
    measured = ("build", "warm", "rebuild", "validate", "validate_cold", "dist", "site")
    peak = max(r[k].rss for k in measured)
    which = max(measured, key=lambda k: r[k].rss)
    fl, v, vc, b, f = r["frictionless"], r["validate"], r["validate_cold"], r["build"], r["floor"]
    return [
        ("one-file rebuild", "< 1 s", f"{r['rebuild'].wall:.2f} s", r["rebuild"].wall < 1.0, "rebuild"),
        ("`build.py validate` vs `frictionless validate`", "≥ 5× faster",
         f"{fl.wall / v.wall:.1f}× ({v.wall:.2f} s vs {fl.wall:.2f} s)", fl.wall / v.wall >= 5, "validate"),
        ("the same, `build.py validate --no-cache` (CI, a fresh clone)", "≥ 5× faster",
         f"{fl.wall / vc.wall:.1f}× ({vc.wall:.2f} s vs {fl.wall:.2f} s)", fl.wall / vc.wall >= 5, "validate_cold"),
        ("build vs parse floor", "≤ 3×", f"{b.wall / f.wall:.2f}× ({b.wall:.2f} s vs {f.wall:.2f} s)", b.wall / f.wall <= 3, "build"),
        ("`build.py site`", "< 10 s", seconds(r["site"]), r["site"].ok() and r["site"].wall < 10, "site"),
        ("`build.py dist`", "< 5 s", seconds(r["dist"]), r["dist"].wall < 5, "dist"),
        ("peak memory", "< 1 GiB", f"{peak / 1024:.0f} MiB ({which})", peak < GIB, None),
    ]


def profile(python, r, key, profile_dir, top=15) -> str:
    """The top of a cProfile run of the command behind a missed target."""
    cmds = r["commands"]
    prof = os.path.join(profile_dir, f"{key}.prof")
    if key == "rebuild":
        edit_one(cmds["src"])()
        cmd = cmds["build"]
    elif key == "build":
        shutil.rmtree(cmds["build"][-1], ignore_errors=True)
        cmd = cmds["build"]
    elif key in ("validate", "validate_cold"):
        cmd = [BUILD, "validate", "--sources", cmds["src"]]
        if has_option(python, "validate", "--cache-from"):
            cmd += ["--cache-from", cmds["out"]] if key == "validate" else ["--no-cache"]
    else:
        cmd = [BUILD, key, "--package", cmds["package"], "--out", os.path.join(profile_dir, key + "-profiled")]
    cmd = [c for c in cmd if c != python]
    subprocess.run([python, "-m", "cProfile", "-o", prof, *cmd], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(prof):
        return "(no profile: the command did not finish)"
    lines = []
    for order in ("tottime", "cumulative"):
        buffer = _Text()
        stats = pstats.Stats(prof, stream=buffer)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        text = buffer.text()
        body = text[text.find("   ncalls"):].rstrip()
        total = next((line.strip() for line in text.splitlines() if "function calls" in line), "")
        lines += [f"By {'own time' if order == 'tottime' else 'cumulative time'} (`sort_stats('{order}')`), {total}:",
                  "", "```text", body, "```", ""]
    return "\n".join(lines)


class _Text:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def text(self):
        return "".join(self.parts)


def seconds(run) -> str:
    if run is None:
        return "n/a"
    if run.stopped:
        return f"> {run.wall:.0f} s (stopped)"
    return f"{run.wall:.2f} s" + ("" if run.returncode == 0 else " (failed)")


KEYS = ("floor", "events", "build", "warm", "rebuild", "validate", "validate_cold", "frictionless", "dist", "site")
LABELS = {
    "build": "build, no cache (`build.py`)", "rebuild": "rebuild after editing 1 file", "warm": "rebuild, nothing changed",
    "validate": "`build.py validate` after editing 1 file (the build's cache)", "validate_cold": "`build.py validate --no-cache`",
    "frictionless": "`frictionless validate` of the output",
    "floor": "parse floor: `yaml.load(CSafeLoader)` of every file", "events": "libyaml event walk (`yaml.parse`, CBaseLoader)",
    "site": "`build.py site`", "dist": "`build.py dist`",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100000], help="output rows (default 100000); targets are for the largest")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest is reported (default 3)")
    parser.add_argument("--site-timeout", type=float, default=900, help="stop `build.py site` after this many seconds (default 900)")
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--before", metavar="JSON", help="results.json of an earlier run, shown beside this one")
    parser.add_argument("--no-profile", action="store_true", help="do not profile missed targets")
    args = parser.parse_args()
    python = sys.executable
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "aigov", "build.py"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    load_before = load_average()
    results, profiles = [], {}
    for size in sorted(args.sizes):
        work = tempfile.mkdtemp(prefix="bench-")
        try:
            r = measure(python, size, args.repeat, args.site_timeout, work)
            print(f"{r['rows']:,} rows: " + ", ".join(f"{k} {seconds(r[k])}" for k in KEYS), flush=True)
            if size == max(args.sizes) and not args.no_profile:
                for name, _, _, met, key in targets(r):
                    if not met and key:
                        print(f"profiling {key}", flush=True)
                        profiles[name] = profile(python, r, key, work)
            results.append(r)
        finally:
            shutil.rmtree(work)
    load_after = load_average()
    before = None
    if args.before:
        with open(args.before, encoding="utf-8") as fh:
            before = json.load(fh)
    big = results[-1]

    lines = [
        "# Build benchmark", "",
        f"Issue #21 point 7: speed at {big['rows']:,} rows in the vote- and passage-heavy shape. Generated by "
        f"`.venv/bin/python benchmarks/run.py` at commit {commit}{' (with uncommitted changes)' if dirty else ''}; "
        "its docstring says what each line measures.", "",
        f"Machine: {machine()}. Load average (1/5/15 min) {load_before} before, {load_after} after: the machine may be shared, "
        f"so wall times are the best of {args.repeat} runs (a command slower than a minute runs once) and CPU times are given beside them. "
        "Every command is a fresh interpreter, so interpreter start and imports are included everywhere, the parse floor too.", "",
        f"Sources from `benchmarks/generate.py`: {big['files']:,} files, {big['bytes'] / 2**20:.1f} MiB, {big['rows']:,} output rows "
        "(General Assembly resolutions with recorded votes of 193 states, sponsor lists, six-language titles and their text as "
        "passages, about half the rows; declarations, all ISO states and publishers as actors, articles with mentions; "
        "evidence and topic tags count as output rows).", "",
        "## Targets", "",
        "| target | limit | measured | met |" + (" before |" if before else ""),
        "|---|---|---|---|" + ("---|" if before else ""),
    ]
    old = {t[0]: t for t in before["targets"]} if before else {}
    for name, limit, measured, met, _ in targets(big):
        row = f"| {name} | {limit} | {measured} | {'yes' if met else '**no**'} |"
        if before:
            was = old.get(name)
            row += f" {was[2]} ({'met' if was[3] else 'missed'}) |" if was else " |"
        lines.append(row)
    lines += ["", "## Every measurement", "",
              "| size | command | wall (s) | CPU (s) | peak RSS (MiB) |" + (" before: wall (s) | before: peak RSS (MiB) |" if before else ""),
              "|---|---|---|---|---|" + ("---|---|" if before else "")]
    for r in results:
        was = {b["rows"]: b for b in before["results"]}.get(r["rows"]) if before else None
        if before and was is None and r is big and before["results"]:
            was = before["results"][-1]
        for k in KEYS:
            run = r[k]
            row = (f"| {r['rows']:,} | {LABELS[k]} | {seconds(run).removesuffix(' s')} | {run.cpu:.2f} | {run.rss / 1024:.0f} |")
            if before:
                b = (was or {}).get(k)
                row += (f" {b['wall']:.2f}{'' if b['ok'] else ' (failed)'} | {b['rss_mib']:.0f} |" if b else " | |")
            lines.append(row)
    lines += ["", "Peak of Python's heap during the build without a cache (tracemalloc, a run of its own): "
              + ", ".join(f"{r['heap_peak'] / 2**20:.0f} MiB at {r['rows']:,} rows" for r in results if r["heap_peak"]) + "."]
    if profiles:
        lines += ["", "## Profiles of the missed targets", "",
                  "Each command once more under `python -m cProfile` (profiling slows Python code down, so the times are larger "
                  "than above; the shares are what matters).", ""]
        for name, text in profiles.items():
            lines += [f"### {name}", "", text]
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines).rstrip("\n") + "\n")
    with open(os.path.join(os.path.dirname(os.path.abspath(args.out)), "results.json"), "w", encoding="utf-8") as fh:
        json.dump({"commit": commit, "dirty": bool(dirty), "machine": machine(),
                   "targets": [list(t[:4]) for t in targets(big)],
                   "results": [{**{k: r[k].json() for k in KEYS}, "rows": r["rows"], "files": r["files"], "bytes": r["bytes"],
                                "heap_peak": r["heap_peak"]} for r in results]}, fh, indent=1)
        fh.write("\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
