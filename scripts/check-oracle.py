#!/usr/bin/env python3
"""Compares `reformcheck check --format json` on the example data with the
independent Python oracle (examples/taizhou-2017/oracle.py), result by result:
status, numerator, denominator, unknown count and shortfall, for both years.

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
AS_OF = "2026-11-28"


def exact(x):
    return None if x is None else Fraction(str(x))


def compare(year):
    ours = json.loads(subprocess.run(
        [BINARY, "check", str(EXAMPLES), "--as-of", AS_OF, "--format", "json", "--year", year],
        capture_output=True, check=False, text=True).stdout)
    oracle = json.loads(subprocess.check_output(
        [sys.executable, str(EXAMPLES / "oracle.py"), "--json", "--year", year], text=True))
    by_key = {}
    for r in ours["results"]:
        by_key[(r["rule"], "(total)" if r["pooled"] else r["group"])] = r
    bad = 0
    for want in oracle["results"]:
        key = (want["rule"], want["group"])
        got = by_key.pop(key, None)
        if got is None:
            print(f"{year} {key}: missing from reformcheck's output")
            bad += 1
            continue
        diffs = []
        if got["status"] != want["status"]:
            diffs.append(("status", got["status"], want["status"]))
        for field in ("numerator", "denominator"):
            if exact(got[field]) != exact(want[field]):
                diffs.append((field, got[field], want[field]))
        if got["unknown"] != want["unknown"]:
            diffs.append(("unknown", got["unknown"], want["unknown"]))
        gs, ws = got["shortfall"], want["shortfall"]
        if (gs is None) != (ws is None) or (gs and (
                exact(gs["numerator"]) != exact(ws["numerator"]) or gs["add"] != ws["add"])):
            diffs.append(("shortfall", gs, ws))
        if diffs:
            bad += 1
            print(f"{year} {key}: {diffs}")
    for key in by_key:
        print(f"{year} {key}: not in the oracle")
        bad += 1
    total = len(oracle["results"])
    return total - bad, bad


passed = failed = 0
for year in ("2024", "2025"):
    p, f = compare(year)
    passed, failed = passed + p, failed + f
print(f"oracle: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
