#!/usr/bin/env python3
"""The benchmark runner behind benches/run.sh (see BENCHMARKS.md).

For each size it generates delegates.csv and society_council.csv (seeded),
then, repetition by repetition and side by side, times the floor (csv crate,
ByteRecord, counting rows), `reformcheck check FILE` with the full embedded
pack, and for delegates the pandas script computing the same two targets.
Wall time is the median over repetitions; peak RSS the largest seen, from
/usr/bin/time -v. Every reformcheck result is checked against the counts the
generator reports, and pandas' against reformcheck's.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"
BIN = RELEASE / "reformcheck"
FLOOR = RELEASE / "examples" / "csvfloor"
GENDATA = RELEASE / "examples" / "gendata"
PANDAS = ROOT / "benches" / "pandas_targets.py"
DUCKDB = ROOT / "benches" / "duckdb_targets.py"
POLARS = ROOT / "benches" / "polars_targets.py"


def timed(cmd):
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS KiB, cpu seconds, stdout).

    Standard output goes to a temporary file, read after the program has ended:
    through a pipe, a report of a hundred megabytes would be timed at the
    speed Python reads it."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", *map(str, cmd)], stdout=out,
                              stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        out.seek(0)
        proc.stdout = out.read().decode("utf-8")
    err = proc.stderr
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd} failed ({proc.returncode}):\n{err}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
    return wall, rss, user + system, proc.stdout


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{int(mem.split()[1]) / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "rustc": rustc,
        "python": platform.python_version(),
    }


def load():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def busy(interval=0.5):
    """Share of all CPUs busy over `interval` seconds (from /proc/stat)."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle
    total0, idle0 = sample()
    time.sleep(interval)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_idle(limit, patience):
    """Waits until other programs use less than `limit` of the CPUs (this is a
    shared machine), at most `patience` seconds; returns the share last seen."""
    deadline = time.monotonic() + patience
    while True:
        share = busy()
        if share < limit or time.monotonic() > deadline:
            return share
        time.sleep(2)


def check_reformcheck(dataset, report, counts):
    """reformcheck's numbers must be exactly the generator's."""
    def same(result, share):
        want = (share["yes"], share["yes"] + share["no"] + share["unknown"],
                share["unknown"] + share["scope_unknown"])
        got = (result["numerator"], result["denominator"], result["unknown"])
        if got != want:
            sys.exit(f"{result['rule']} {result['group']}: reformcheck {got}, generator {want}")

    key = {"delegates.frontline": "frontline", "delegates.youth": "youth",
           "society_council.frontline": "frontline",
           "society_council.standing_frontline": "standing_frontline",
           "society_council.young_middle": "young_middle"}
    # Rules the generator does not count (delegates.frontline_growth needs
    # --previous and is skipped) are left out.
    results = [r for r in report["results"] if r["dataset"] == dataset and r["rule"] in key]
    if dataset == "delegates":
        if len(results) != 2:
            sys.exit("delegates: a result is missing")
        for r in results:
            same(r, counts[key[r["rule"]]])
    else:
        for r in results:
            same(r, counts["societies"][r["group"]][key[r["rule"]]])
        if len(results) != 3 * len(counts["societies"]):
            sys.exit("society_council: a result is missing")
    # Random names and birth dates collide now and then: those rows are
    # reported as duplicates (重复登记), which the generator does not count;
    # nor does it count the notices that an explicit 是否基层一线 contradicts
    # 单位类型 (the flag still counts) or that a header is not read.
    uncounted = ["重复登记", "按方案应为", "不是本数据集认识的列"]
    listed = sum(1 for i in report["issues"] if i["dataset"] == dataset
                 and not any(u in i["message"] for u in uncounted))
    if listed != counts["issues"]:
        sys.exit(f"{dataset}: {listed} issues, generator {counts['issues']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--sizes", default="2000000,10000000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--idle", type=float, default=0.05,
                    help="wait before each repetition until other programs use less than this "
                         "share of the CPUs")
    ap.add_argument("--patience", type=float, default=300, help="…for at most this many seconds")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(json.dumps(info, indent=2))
    # The embedded pack without its duplicate checks (`unique`): the one
    # part of the state that grows with the rows, measured apart.
    pack = (ROOT / "rules" / "taizhou-2017.yaml").read_text(encoding="utf-8")
    no_unique = args.out / "taizhou-2017-no-unique.yaml"
    no_unique.write_text("".join(l for l in pack.splitlines(keepends=True)
                                 if not l.lstrip().startswith("unique:")), encoding="utf-8")
    rows_md = []
    for n in [int(s) for s in args.sizes.split(",")]:
        data = args.out / f"data-{n}"
        if data.exists():
            shutil.rmtree(data)
        gen = json.loads(subprocess.check_output([GENDATA, "--rows", str(n), "--out", data]))
        as_of = gen_as_of = gen["as_of"]
        for dataset in ["delegates", "society_council"]:
            path = data / f"{dataset}.csv"
            size = path.stat().st_size
            cores = str(os.cpu_count())
            runs = {}
            busy_during = []
            print(f"\n{n} rows, {dataset}: {size / 1e6:.0f} MB, load before {load()}", flush=True)

            def record(name, wall, rss, cpu):
                runs.setdefault(name, []).append((wall, rss, cpu))

            for rep in range(args.repeat):
                # Before each program: other programs idle (this is a shared
                # machine), and the kernel done with the previous one's memory.
                others = wait_idle(args.idle, args.patience)
                wall, rss, cpu, out = timed([FLOOR, path])
                if int(out) != n + 1:
                    sys.exit(f"floor counted {out} records, expected {n + 1}")
                record("floor", wall, rss, cpu)
                report = None
                for rules, label in [(None, "reformcheck"), (no_unique, "reformcheck, no duplicate check")]:
                    for threads in ["1", cores]:
                        others = max(others, wait_idle(args.idle, args.patience))
                        cmd = [BIN, "check", path, "--as-of", as_of, "--format", "json",
                               "--threads", threads]
                        if rules:
                            cmd += ["--rules", rules]
                        wall, rss, cpu, out = timed(cmd)
                        got = json.loads(out)
                        check_reformcheck(dataset, got, gen[dataset])
                        if report is None:
                            report = got
                        elif rules is None and got != report:
                            sys.exit(f"--threads {threads}: a different report than --threads 1")
                        record(f"{label}, --threads {threads}", wall, rss, cpu)
                if dataset == "delegates":
                    ours = {r["rule"].split(".")[1]: r for r in report["results"]
                            if r["dataset"] == "delegates"}
                    dups = sum(1 for i in report["issues"] if "重复登记" in i["message"])

                    def same(tool, counts):
                        for target in ["frontline", "youth"]:
                            got = {k: ours[target][k] for k in counts[target]}
                            if got != counts[target]:
                                sys.exit(f"{tool} {target} {counts[target]} != reformcheck {got}")

                    for threads in ["1", cores]:
                        others = max(others, wait_idle(args.idle, args.patience))
                        wall, rss, cpu, out = timed([args.python, DUCKDB, path, as_of, threads])
                        got = json.loads(out)
                        same("duckdb", got)
                        if got["duplicate_rows"] != dups:
                            sys.exit(f"duckdb: {got['duplicate_rows']} duplicate rows, "
                                     f"reformcheck {dups}")
                        # Engine time inside the process; RSS and CPU of the whole process.
                        record(f"DuckDB targets, {threads} thread(s)", got["targets_seconds"], rss, cpu)
                        record(f"DuckDB targets + duplicates, {threads} thread(s)",
                               got["targets_and_duplicates_seconds"], rss, cpu)
                        record(f"DuckDB plain query (ISO dates, exact words; a lower bound), "
                               f"{threads} thread(s)", got["plain_seconds"], rss, cpu)
                    others = max(others, wait_idle(args.idle, args.patience))
                    wall, rss, cpu, out = timed([args.python, POLARS, path, as_of])
                    same("polars", json.loads(out))
                    record("Polars (lazy, streaming), process", wall, rss, cpu)
                    if rep < 3 or n <= 2_000_000:
                        others = max(others, wait_idle(args.idle, args.patience))
                        wall, rss, cpu, out = timed([args.python, PANDAS, path, as_of])
                        same("pandas", json.loads(out))
                        record("pandas, process", wall, rss, cpu)
                busy_during.append(others)
                print(f"  rep {rep + 1} (CPUs at most {others:.0%} busy before): " + ", ".join(
                    f"{k} {v[-1][0]:.3f} s" for k, v in runs.items() if len(v) == rep + 1),
                    flush=True)
            floor = statistics.median(w for w, _, _ in runs["floor"])
            for tool, rs in runs.items():
                if not rs:
                    continue
                wall = statistics.median(w for w, _, _ in rs)
                cpu = statistics.median(c for _, _, c in rs)
                rss = max(r for _, r, _ in rs)
                walls = sorted(w for w, _, _ in rs)
                rows_md.append(
                    f"| {n:,} | {dataset} | {tool} | {len(rs)} | {wall:.3f} | "
                    f"{walls[0]:.3f}–{walls[-1]:.3f} | {cpu:.3f} | "
                    f"{n / wall / 1e6:.2f} M | {size / wall / 1e6:.0f} | {rss / 1024:.1f} | "
                    f"{wall / floor:.2f}× |")
            print(f"  load after {load()}; CPUs busy before each repetition: "
                  + ", ".join(f"{b:.0%}" for b in busy_during))
    # Memory with a million data issues (issue 12): the largest delegates file
    # with every tenth birth date made unreadable, the full pack.
    n = max(int(s) for s in args.sizes.split(","))
    data = args.out / f"data-{n}"
    bad = data / "delegates-bad-births.csv"
    memory_md = []
    # Every tenth row of fewer than 10M rows makes fewer than a million issues.
    for threads in (["1", str(os.cpu_count())] if n >= 10_000_000 else []):
        if not bad.exists():
            subprocess.run([sys.executable, ROOT / "benches" / "bad_births.py", data / "delegates.csv",
                            bad, "10"], check=True)
        for rep in range(args.repeat):
            wait_idle(args.idle, args.patience)
            wall, rss, cpu, out = timed([BIN, "check", f"delegates={bad}", "--as-of", gen_as_of, "--format", "json",
                                         "--threads", threads])
            listed = len(json.loads(out)["issues"])
            if listed < 1_000_000:
                sys.exit(f"{bad}: {listed} issues, fewer than a million")
            memory_md.append(f"| {n:,} | delegates, every 10th birth date unreadable | {threads} | "
                             f"{listed:,} | {wall:.3f} | {cpu:.3f} | {rss / 1024:.1f} |")
            print(memory_md[-1], flush=True)
    bad.unlink(missing_ok=True)
    memory = ("| rows | file | --threads | issues listed | wall s | CPU s | peak RSS MiB |\n"
              "|---:|---|---:|---:|---:|---:|---:|\n" + "\n".join(memory_md))
    print("\n" + memory)

    header = ("| rows | file | program | runs | wall s (median) | wall s (min–max) "
              "| CPU s (median, user+sys) | rows/s | MB/s | peak RSS MiB | wall ÷ floor |\n"
              "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    table = header + "\n" + "\n".join(rows_md)
    print("\n" + table)

    startup = ""
    if shutil.which("hyperfine"):
        export = args.out / "rules.json"
        wait_idle(args.idle, args.patience)
        subprocess.run(["hyperfine", "--warmup", "20", "--runs", "300", "-N", "--export-json", export,
                        f"{BIN} rules", f"{BIN} --version"], check=True)
        for r in json.loads(export.read_text())["results"]:
            startup += (f"| `{r['command'].replace(str(ROOT) + '/', '')}` | {r['mean'] * 1e3:.2f} | "
                        f"{r['median'] * 1e3:.2f} | {r['stddev'] * 1e3:.2f} | {r['max'] * 1e3:.2f} |\n")
        startup = ("| command | mean ms | median ms | σ ms | max ms |\n|---|---:|---:|---:|---:|\n"
                   + startup)
        print("\n" + startup)
    else:
        print("\nhyperfine not found: apt-get install hyperfine for the start-up figure")
    (args.out / "results.md").write_text(
        "machine: " + json.dumps(info) + f"\nload at the end: {load()}\n\n" + table + "\n\n"
        + memory + "\n\n" + startup)
    print(f"written to {args.out / 'results.md'}")


if __name__ == "__main__":
    main()
