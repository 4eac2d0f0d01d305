#!/usr/bin/env python3
"""Benchmark the build at 1k, 10k and 100k output rows; write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py [--sizes 1000 10000 100000] [--repeat 3] [--out benchmarks/RESULTS.md]

Every measured command runs in a fresh interpreter (as a contributor runs it),
so its time includes interpreter start and imports. For each size, on
synthetic sources from benchmarks/generate.py (the vote-heavy shape of the UN
import, evidence rows counted as output rows):

- build: `build.py` into an empty folder, so no parse cache exists (cold);
  wall time, CPU time (user + system) and peak RSS of that process;
- parse floor: a fresh process of the same interpreter that imports PyYAML and
  walks libyaml's event stream (``yaml.parse(text, Loader=yaml.CBaseLoader)``,
  the parser aigov/yamlio.py uses) over the same files, read as UTF-8 text in
  the build's order; nothing is built from the events. Interpreter start is
  included on both sides, so build / floor compares like with like;
- `frictionless validate` of the build's own datapackage.json, and its ratio
  to the build;
- rebuild with the cache and nothing changed, and after editing one file (a
  recorded-vote resolution);
- `build.py validate`, `build.py dist`, `build.py site`, where the
  sub-command exists (they are being added; a missing one is noted, not timed);
- growth from 10k to 100k rows.

Plus the real dataset (sources/): cold and cached build, interpreter start
included. Wall times are the best of --repeat runs (the machine may be shared:
the load average is recorded); peak RSS is that of the measured process alone
(os.wait4), not of every child so far.
"""

import argparse
import glob
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from generate import generate  # noqa: E402

# The generated sources are example data (example.org addresses); see aigov/checks/guards.py.
os.environ["AIGOV_ALLOW_EXAMPLE_DATA"] = "1"

FLOOR = """
import os, sys, yaml
for table in ("actors", "events", "instruments", "systems", "articles"):
    folder = os.path.join(sys.argv[1], table)
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
        with open(os.path.join(folder, name), "rb") as fh:
            text = fh.read().decode("utf-8")
        for _ in yaml.parse(text, Loader=yaml.CBaseLoader):
            pass
"""


class Run:
    def __init__(self, wall, cpu, rss_kib, returncode, stderr):
        self.wall, self.cpu, self.rss, self.returncode, self.stderr = wall, cpu, rss_kib, returncode, stderr


def run_once(cmd, cwd=ROOT) -> Run:
    """Wall time, CPU time and peak RSS of one child process (rusage of that child only)."""
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, err.read().decode("utf-8", "replace"))


def best(cmd, repeat, before=None, check=True) -> Run:
    """The fastest of ``repeat`` runs; ``before`` runs ahead of each (e.g. to empty a folder)."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(run_once(cmd))
        if check and runs[-1].returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{runs[-1].stderr[-3000:]}")
    return min(runs, key=lambda r: r.wall)


def has_command(python, name) -> bool:
    out = subprocess.run([python, os.path.join(ROOT, "build.py"), "--help"], capture_output=True, text=True).stdout
    choices = out[out.find("{"):out.find("}")] if "{" in out else out
    return name in choices.split(",") or f"build.py {name}" in out


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


def measure(python, size, repeat, commands) -> dict:
    work = tempfile.mkdtemp(prefix="bench-")
    try:
        src = os.path.join(work, "sources")
        rows = generate(src, size)
        files = len(glob.glob(os.path.join(src, "*", "*.yaml")))
        out = os.path.join(work, "out")
        build_cmd = [python, os.path.join(ROOT, "build.py"), "--sources", src, "--out", out]
        r = {"rows": rows, "files": files}
        r["floor"] = best([python, "-c", FLOOR, src], repeat)
        r["build"] = best(build_cmd, repeat, before=lambda: shutil.rmtree(out, ignore_errors=True))  # cold: no cache
        r["warm"] = best(build_cmd, repeat)  # cache present, nothing changed
        edited = sorted(glob.glob(os.path.join(src, "instruments", "unga-res-*.yaml")))[0]
        state = {"n": 0}

        def edit():  # a different one-line change before each run, so each run re-parses exactly one file
            with open(edited, encoding="utf-8") as fh:
                text = fh.read()
            state["n"] += 1
            with open(edited, "w", encoding="utf-8") as fh:
                fh.write(text.replace("A synthetic General Assembly resolution", f"Edit {state['n']}: a synthetic General Assembly resolution", 1)
                         .replace(f"Edit {state['n'] - 1}: a synthetic", f"Edit {state['n']}: a synthetic", 1))

        r["rebuild"] = best(build_cmd, repeat, before=edit)
        package = os.path.join(out, "datapackage")
        r["frictionless"] = best([os.path.join(os.path.dirname(python), "frictionless"), "validate",
                                  os.path.join(package, "datapackage.json")], 1, check=False)
        if "validate" in commands:
            r["validate"] = best([python, os.path.join(ROOT, "build.py"), "validate", "--sources", src], repeat, check=False)
        if "dist" in commands:
            r["dist"] = best([python, os.path.join(ROOT, "build.py"), "dist", "--package", package, "--out", os.path.join(work, "dist")],
                             repeat, check=False)
        if "site" in commands:
            r["site"] = best([python, os.path.join(ROOT, "build.py"), "site", "--package", package, "--out", os.path.join(work, "site")],
                             repeat, check=False)
        return r
    finally:
        shutil.rmtree(work)


def seconds(run) -> str:
    if run is None:
        return "n/a"
    return f"{run.wall:.2f}" + ("" if run.returncode == 0 else " (failed)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the fastest is reported (default 3)")
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    args = parser.parse_args()
    python = sys.executable
    commands = [c for c in ("validate", "dist", "site") if has_command(python, c)]
    load_before = load_average()
    results = []
    for size in args.sizes:
        r = measure(python, size, args.repeat, commands)
        results.append(r)
        b = r["build"]
        print(f"{r['rows']:>7,} rows {r['files']:>5,} files: build {b.wall:.2f} s (CPU {b.cpu:.2f}, {b.rss / 1024:.0f} MiB), "
              f"floor {r['floor'].wall:.2f} s ({b.wall / r['floor'].wall:.2f}x), frictionless {r['frictionless'].wall:.2f} s "
              f"({r['frictionless'].wall / b.wall:.1f}x), cached {r['warm'].wall:.2f} s, 1 edit {r['rebuild'].wall:.2f} s"
              + "".join(f", {c} {seconds(r.get(c))} s" for c in commands), flush=True)
    real_out = tempfile.mkdtemp(prefix="bench-real-")
    try:
        real_cmd = [python, os.path.join(ROOT, "build.py"), "--out", real_out]
        real_cold = best(real_cmd, args.repeat, before=lambda: shutil.rmtree(os.path.join(real_out, ".cache"), ignore_errors=True), check=False)
        real_warm = best(real_cmd, args.repeat, check=False)
    finally:
        shutil.rmtree(real_out)
    load_after = load_average()

    lines = [
        "# Build benchmark", "",
        f"Machine: {machine()}. Load average (1/5/15 min) {load_before} before, {load_after} after: "
        "the machine was shared, so wall times are the best of "
        f"{args.repeat} runs and CPU times are given beside them.", "",
        "Generated by `.venv/bin/python benchmarks/run.py` (see its docstring for what each column measures); sources from "
        "`benchmarks/generate.py`: General Assembly resolutions with recorded votes of 193 states, sponsor lists, six-language titles, "
        "UNBIS subjects, `lists:` per role and sources with `supports:` (evidence rows count as output rows), declarations, "
        "all ISO states and publishers as actors, articles with mentions. Every command is a fresh interpreter, so interpreter "
        "start and imports are included everywhere, the parse floor too.", "",
        "Parse floor: the same interpreter, in a fresh process, importing PyYAML and walking libyaml's event stream "
        "(`yaml.parse(text, Loader=yaml.CBaseLoader)`, the parser the build uses) over the same files read as UTF-8 text; "
        "it builds nothing from the events.", "",
        "| output rows | files | build (s) | build CPU (s) | peak RSS (MiB) | rows/s | parse floor (s) | build / floor "
        "| frictionless validate (s) | validate / build | cached, no change (s) | rebuild after 1 edit (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        b, f, v = r["build"], r["floor"], r["frictionless"]
        lines.append(f"| {r['rows']:,} | {r['files']:,} | {b.wall:.2f} | {b.cpu:.2f} | {b.rss / 1024:.0f} | {r['rows'] / b.wall:,.0f} | "
                     f"{f.wall:.2f} | {b.wall / f.wall:.2f}× | {seconds(v)} | {v.wall / b.wall:.1f}× | {r['warm'].wall:.2f} | "
                     f"{r['rebuild'].wall:.2f} |")
    lines += ["", "Other sub-commands on the built package (best of runs, seconds):", "",
              "| output rows | `build.py validate` | `build.py dist` | `build.py site` |", "|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['rows']:,} | " + " | ".join(seconds(r.get(c)) if c in commands else "not available" for c in ("validate", "dist", "site")) + " |")
    missing = [c for c in ("validate", "dist", "site") if c not in commands]
    if missing:
        lines += ["", f"Not measured: {', '.join(f'`build.py {c}`' for c in missing)} (no such sub-command in build.py yet)."]
    ten = next((r for r in results if 5000 <= r["rows"] < 50000), None)
    hundred = next((r for r in results if r["rows"] >= 50000), None)
    if ten and hundred:
        grow = hundred["rows"] / ten["rows"]
        lines += ["", f"Growth from {ten['rows']:,} to {hundred['rows']:,} rows (×{grow:.1f}): build ×{hundred['build'].wall / ten['build'].wall:.1f} "
                  f"(CPU ×{hundred['build'].cpu / ten['build'].cpu:.1f}), parse floor ×{hundred['floor'].wall / ten['floor'].wall:.1f}, "
                  f"rebuild after 1 edit ×{hundred['rebuild'].wall / ten['rebuild'].wall:.1f}, "
                  f"peak RSS ×{hundred['build'].rss / ten['build'].rss:.1f}."]
    status = "" if real_cold.returncode == 0 else " (the build reported problems in sources/, so it stopped before writing)"
    lines += ["", f"The real dataset (`sources/`) builds in {real_cold.wall:.2f} s without a cache and {real_warm.wall:.2f} s with it, "
              f"including interpreter start and imports{status}.", ""]
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
