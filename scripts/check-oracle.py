#!/usr/bin/env python3
"""Compares `reformcheck check --format json` on the example data with the
independent Python oracle (examples/taizhou-2017/oracle.py), result by result:
status, numerator, denominator, unknown count, shortfall, and the readings of the
plan — severity and binding word, the years a 每年 rule missed — and that rules come
in the plan's clause order (三 … 九).

Runs several configurations: both years of the dated files, with the previous congress
given as a roster and as a number, a reference date before the due dates (due against
the data's period), an early year of city.csv (pending by period), and none given.

Usage: scripts/check-oracle.py [path/to/reformcheck]   (default: target/debug/reformcheck)
"""
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "taizhou-2017"
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "reformcheck")

# (inputs, year, as-of, previous): `previous` is relative to the examples folder.
CONFIGS = [
    ([str(EXAMPLES)], "2025", "2026-11-28", "previous/delegates.csv"),
    ([str(EXAMPLES)], "2024", "2026-11-28", "65%"),
    # before every due date: rosters are pending, dated statistics of 2024 are due
    ([str(EXAMPLES)], "2024", "2019-06-30", None),
    # city.csv's 2019 row ends before its 2020 due date: pending even long after
    ([f"city={EXAMPLES / 'city.csv'}"], "2019", "2026-11-28", None),
]
NUMERALS = "一二三四五六七八九十"


def exact(x):
    return None if x is None else Fraction(str(x))


def clause_key(clause):
    """三(一) -> (3, 1), read independently of the engine."""
    chapter = NUMERALS.index(clause[0]) + 1
    inner = clause[clause.index("(") + 1:clause.index(")")]
    return chapter, NUMERALS.index(inner) + 1


def compare(inputs, year, as_of, previous):
    label = f"{year}@{as_of}" + (f"+{previous}" if previous else "")
    cmd = [BINARY, "check", *inputs, "--as-of", as_of, "--format", "json", "--year", year]
    if previous:
        prev = str(EXAMPLES / previous) if (EXAMPLES / previous).exists() else previous
        cmd += ["--previous", f"delegates={prev}"]
    ours = json.loads(subprocess.run(cmd, capture_output=True, check=False, text=True).stdout)
    ocmd = [sys.executable, str(EXAMPLES / "oracle.py"), "--json", "--year", year,
            "--as-of", as_of]
    if previous:
        ocmd += ["--previous", previous]
    oracle = json.loads(subprocess.check_output(ocmd, text=True))
    only = None if len(inputs) > 1 or not inputs[0].startswith("city=") else "city."
    wanted = [w for w in oracle["results"] if only is None or w["rule"].startswith(only)]
    bad = 0
    # Plan order: the clauses of reformcheck's results never go back.
    keys = [clause_key(r["clause"]) for r in ours["results"]]
    if keys != sorted(keys):
        print(f"{label}: results are not in the plan's clause order")
        bad += 1
    by_key = {}
    for r in ours["results"]:
        if only is None or r["rule"].startswith(only):
            by_key[(r["rule"], "(total)" if r["pooled"] else r["group"])] = r
    for want in wanted:
        key = (want["rule"], want["group"])
        got = by_key.pop(key, None)
        if got is None:
            print(f"{label} {key}: missing from reformcheck's output")
            bad += 1
            continue
        diffs = []
        for field in ("status", "unknown", "severity", "binding", "clause"):
            if got[field] != want[field]:
                diffs.append((field, got[field], want[field]))
        for field in ("numerator", "denominator"):
            if exact(got[field]) != exact(want[field]):
                diffs.append((field, got[field], want[field]))
        for field in ("years_unmet", "years_unknown"):
            if got.get(field, []) != want[field]:
                diffs.append((field, got.get(field, []), want[field]))
        gs, ws = got["shortfall"], want["shortfall"]
        if (gs is None) != (ws is None) or (gs and (
                exact(gs["numerator"]) != exact(ws["numerator"]) or gs["add"] != ws["add"])):
            diffs.append(("shortfall", gs, ws))
        if diffs:
            bad += 1
            print(f"{label} {key}: {diffs}")
    for key in by_key:
        print(f"{label} {key}: not in the oracle")
        bad += 1
    return len(wanted) - bad, bad


passed = failed = 0
for config in CONFIGS:
    p, f = compare(*config)
    passed, failed = passed + p, failed + f
print(f"oracle: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
