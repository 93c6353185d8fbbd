#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Independent oracle for the invented Taizhou sample data in this folder.

Reads the six CSV files back (it shares no code with generate.py) and computes, for each
of the 24 rules of the Taizhou pack, every result row with exact rational arithmetic
(fractions.Fraction; floats are used only for the display-only ratio column).

    python3 oracle.py > EXPECTED.md        # markdown (default)
    python3 oracle.py --json               # the same rows as JSON (exact values as strings)
    python3 oracle.py --year 2024          # check another year of districts.csv

As-of date 2026-11-28; the districts file is checked for its latest year (2025).
Python 3.11 standard library only.
"""

import calendar
import csv
import datetime as dt
import json
import math
import re
import sys
from fractions import Fraction as F
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 28)

# ------------------------------------------------------------------------------------
# reading
# ------------------------------------------------------------------------------------
TRUE = {"是", "y", "yes", "true", "1", "√"}
FALSE = {"否", "n", "no", "false", "0", "×"}
FRONT_TYPES = {"企业", "高校", "科研院所", "乡镇（街道）", "社会组织"}
NOT_FRONT_TYPES = {"党政机关"}


def read(name):
    with (HERE / name).open(encoding="utf-8", newline="") as f:
        raw = f.read()
    assert not raw.startswith("\ufeff"), f"{name} has a BOM"
    return list(csv.DictReader(raw.splitlines()))


def boolean(cell):
    """True / False / None (unknown)."""
    c = cell.strip().lower()
    if c in TRUE:
        return True
    if c in FALSE:
        return False
    assert c == "", f"unreadable boolean {cell!r}"
    return None


def frontline(row):
    explicit = boolean(row.get("是否基层一线", ""))
    if explicit is not None:
        return explicit
    t = row.get("单位类型", "").strip()
    if t in FRONT_TYPES:
        return True
    if t in NOT_FRONT_TYPES:
        return False
    return None


def parse_birth(cell):
    """-> (first possible date, last possible date); equal when the day is given."""
    c = cell.strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", c)
    if m:
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", c)
    if m:
        y, mo = int(m[1]), int(m[2])
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    raise ValueError(f"unreadable date {cell!r}")


def age_on(day, born):
    """周岁: N is reached on the day after the Nth birthday; 29 Feb -> 28 Feb in common
    years."""
    bm, bd = born.month, born.day
    if (bm, bd) == (2, 29) and not calendar.isleap(day.year):
        bd = 28
    age = day.year - born.year
    if (day.month, day.day) <= (bm, bd):
        age -= 1
    return age


def aged_at_most(cell, limit):
    """True / False / None: is the person limit 周岁 or younger on AS_OF?
    A month-only date is unknown only if the answer differs between the first and the
    last day of the month. (In this sample the only month-only date whose *age* is
    undecided, 1980年11月, is also undecided for the rule, so evaluating the age or the
    condition at the two ends gives the same results.)"""
    if not cell.strip():
        return None
    first, last = parse_birth(cell)
    a_first, a_last = age_on(AS_OF, first), age_on(AS_OF, last)
    r_first, r_last = a_first <= limit, a_last <= limit
    return r_first if r_first == r_last else None


def rational(cell):
    """'15.3%' / '0.153' / '3612345.67' / '400000' -> exact Fraction."""
    c = cell.strip().replace(",", "")
    assert c, "empty numeric cell"
    if c.endswith("%"):
        return F(c[:-1]) / 100
    return F(c)


# ------------------------------------------------------------------------------------
# evaluation
# ------------------------------------------------------------------------------------
results = []


def ceil_frac(x):
    return math.ceil(x)  # exact for Fraction


def share(rule, group, rows, cond, op, t):
    """Share rule: rows in scope; cond(row) -> True/False/None."""
    vals = [cond(r) for r in rows]
    n = len(vals)
    k = sum(1 for v in vals if v is True)
    u = sum(1 for v in vals if v is None)
    if n == 0:
        return emit(rule, group, k, n, u, "not_applicable", None, None)
    lo, hi = F(k, n), F(k + u, n)
    holds = (lambda x: x >= t) if op == ">=" else (lambda x: x > t)
    if holds(lo):
        return emit(rule, group, k, n, u, "pass", None, None)
    status = "fail" if not holds(hi) else "indeterminate"
    if op == ">=":
        need = ceil_frac(t * n) - k
        add = None if t == 1 else max(0, ceil_frac((t * n - k) / (1 - t)))
    else:
        need = math.floor(t * n) + 1 - k
        add = None if t >= 1 else math.floor((t * n - k) / (1 - t)) + 1
    return emit(rule, group, k, n, u, status, need, add)


def ratio_of_sums(rule, group, num, den, t, count=True):
    if den == 0:
        return emit(rule, group, num, den, 0, "not_applicable", None, None)
    if F(num) / F(den) >= t:
        return emit(rule, group, num, den, 0, "pass", None, None)
    need = t * den - num
    if count:
        need = ceil_frac(need)
    return emit(rule, group, num, den, 0, "fail", need, None)


def emit(rule, group, num, den, unk, status, sf_num, sf_add):
    results.append(dict(rule=rule, group=group, numerator=F(num), denominator=F(den),
                        unknown=unk, status=status,
                        shortfall=None if status in ("pass", "not_applicable")
                        else {"numerator": F(sf_num), "add": sf_add}))


def grouped(rows, key):
    groups = {}
    for r in rows:
        groups.setdefault(r[key].strip(), []).append(r)
    return groups  # insertion order = first appearance in the file


def main():
    # ---- delegates ------------------------------------------------------------------
    dele = read("delegates.csv")
    share("delegates.frontline", None, dele, frontline, ">=", F(7, 10))
    share("delegates.youth", None, dele, lambda r: aged_at_most(r["出生日期"], 45), ">=", F(1, 3))

    # ---- committee ------------------------------------------------------------------
    com = read("committee.csv")
    share("committee.frontline", None, com, frontline, ">=", F(7, 10))
    standing = [r for r in com if boolean(r["是否常委"]) is True]
    assert all(boolean(r["是否常委"]) is not None for r in com)
    share("committee.standing_frontline", None, standing, frontline, ">=", F(7, 10))
    vice = [r for r in com if boolean(r["是否兼职副主席"]) is True]
    fields = [r["行业领域"].strip() for r in vice]
    known = [f for f in fields if f]
    distinct, unk, n = len(dict.fromkeys(known)), len(fields) - len(known), len(fields)
    if n == 0:
        emit("committee.vice_chair_fields", None, 0, 0, 0, "not_applicable", None, None)
    elif distinct == n:
        emit("committee.vice_chair_fields", None, distinct, n, unk, "pass", None, None)
    else:
        status = "indeterminate" if distinct + unk >= n else "fail"
        emit("committee.vice_chair_fields", None, distinct, n, unk, status, n - distinct, None)

    # ---- society_delegates ----------------------------------------------------------
    for soc, rows in grouped(read("society_delegates.csv"), "学会名称").items():
        share("society_delegates.frontline", soc, rows, frontline, ">", F(1, 2))

    # ---- society_council ------------------------------------------------------------
    council = grouped(read("society_council.csv"), "学会名称")
    for soc, rows in council.items():
        share("society_council.frontline", soc, rows, frontline, ">=", F(3, 5))
    for soc, rows in council.items():
        st = [r for r in rows if boolean(r["是否常务理事"]) is True]
        share("society_council.standing_frontline", soc, st, frontline, ">=", F(2, 3))
    for soc, rows in council.items():
        share("society_council.young_middle", soc, rows,
              lambda r: aged_at_most(r["出生日期"], 50), ">=", F(1, 3))

    # ---- societies ------------------------------------------------------------------
    socs = read("societies.csv")
    for r in socs:
        ratio_of_sums("societies.member_growth", r["学会名称"], rational(r["本年新增个人会员数"]),
                      rational(r["上年末个人会员数"]), F(5, 100))

    def both(a, b):
        def f(r):
            x, y = boolean(r[a]), boolean(r[b])
            if x is False or y is False:
                return False
            if x is None or y is None:
                return None
            return True
        return f

    rated = {"3A": 3, "4A": 4, "5A": 5, "2A": 2, "1A": 1, "": 0}
    for r in socs:
        if rated[r["评估等级"].strip().upper()] >= 3:
            share("societies.upper_lower_link", r["学会名称"], [r],
                  both("上联国家或省级学会", "下带县级学会"), ">=", F(1))
    for r in socs:
        if r["级别"].strip() == "市级":
            share("societies.two_reforms", r["学会名称"], [r], both("秘书长职业化", "秘书处实体化"),
                  ">=", F(1))
    for rule, col in [("societies.supervisory_board", "设立监事会"),
                      ("societies.party_working_group", "理事会党的工作小组"),
                      ("societies.party_branch", "办事机构党支部")]:
        for r in socs:
            share(rule, r["学会名称"], [r], lambda x, c=col: boolean(x[c]), ">=", F(1))

    # ---- districts (latest year) ----------------------------------------------------
    dist_all = read("districts.csv")
    year = max(int(r["年度"]) for r in dist_all)
    if "--year" in sys.argv[1:]:
        year = int(sys.argv[sys.argv.index("--year") + 1])
    dist = [r for r in dist_all if int(r["年度"]) == year]
    for r in dist:
        share("districts.independent_party_group", r["市（区）"], [r], both("独立建制", "设立党组"),
              ">=", F(1))

    def coverage(rule, num_col, den_col, t, count=True, weight=None):
        tn = td = F(0)
        for r in dist:
            if weight:   # rate x weight / weight
                w = rational(r[weight])
                num, den = rational(r[num_col]) * w, w
            else:
                num, den = rational(r[num_col]), rational(r[den_col])
            tn += num
            td += den
            ratio_of_sums(rule, r["市（区）"], num, den, t, count)
        ratio_of_sums(rule, "(total)", tn, td, t, count)

    coverage("districts.township_coverage", "已建科协组织的乡镇（街道）数", "乡镇（街道）数", F(1))
    coverage("districts.park_coverage", "已建科协组织的园区数", "园区数", F(1))
    coverage("districts.agri_coverage", "农技协覆盖的乡镇（街道）数", "乡镇（街道）数", F(1))
    coverage("districts.above_scale_coverage", "已建科协组织的规模以上工业企业数", "规模以上工业企业数",
             F(1, 2))
    coverage("districts.hitech_coverage", "已建科协组织的高新技术企业数", "高新技术企业数", F(3, 5))
    coverage("districts.popsci_funding", "财政科普经费（元）", "常住人口", F(3), count=False)
    coverage("districts.science_literacy", "公民具备科学素质比例", None, F(15, 100), count=True,
             weight="常住人口")
    for r in dist:
        share("districts.annual_report", r["市（区）"], [r], lambda x: boolean(x["听取科协工作汇报"]),
              ">=", F(1))

    # Every due date (2020-03-24, 2020-12-31) is before AS_OF, so nothing is pending.
    assert AS_OF > dt.date(2020, 12, 31)
    return year


# ------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------
RULE_ORDER = [
    "delegates.frontline", "delegates.youth", "committee.frontline",
    "committee.standing_frontline", "committee.vice_chair_fields",
    "society_delegates.frontline", "society_council.frontline",
    "society_council.standing_frontline", "society_council.young_middle",
    "societies.member_growth", "societies.upper_lower_link", "societies.two_reforms",
    "societies.supervisory_board", "societies.party_working_group", "societies.party_branch",
    "districts.independent_party_group", "districts.township_coverage",
    "districts.park_coverage", "districts.agri_coverage", "districts.above_scale_coverage",
    "districts.hitech_coverage", "districts.popsci_funding", "districts.science_literacy",
    "districts.annual_report",
]


def exact(x):
    """Exact decimal text if the fraction terminates, else p/q."""
    if x is None:
        return None
    x = F(x)
    if x.denominator == 1:
        return str(x.numerator)
    d, twos, fives = x.denominator, 0, 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return f"{x.numerator}/{x.denominator}"
    places = max(twos, fives)
    scaled = x * 10 ** places
    assert scaled.denominator == 1
    s = str(abs(scaled.numerator)).rjust(places + 1, "0")
    return ("-" if x < 0 else "") + s[:-places] + "." + s[-places:]


def ratio_text(r):
    if r["denominator"] == 0:
        return ""
    return f"{float(r['numerator'] / r['denominator']):.6f}"


def markdown(year):
    out = []
    p = out.append
    p("# Expected results — invented Taizhou sample data")
    p("")
    p("Generated by `python3 oracle.py > EXPECTED.md` (exact arithmetic with "
      "`fractions.Fraction`; independent of `generate.py`). **All data in this folder is "
      "invented.**")
    p("")
    p(f"- as-of date: {AS_OF.isoformat()} (every due date is earlier, so no result is "
      f"`pending`)")
    p(f"- districts: year {year} (`--year`; default the latest in `districts.csv`)")
    p("- `group`: society or district name; `(total)` = pooled city total "
      "(Σnumerator / Σdenominator); empty = ungrouped rule")
    p("- `sf num` / `sf add`: shortfall numerator / add; empty when the result needs no "
      "shortfall (pass, not_applicable); `null` where adding can never help or the rule "
      "is a ratio of sums")
    p("- `ratio` is for display only (6 decimals); numerators and denominators are exact")
    p("")
    p("## Summary")
    p("")
    p("| rule | pass | fail | indeterminate | not_applicable |")
    p("|---|---:|---:|---:|---:|")
    for rule in RULE_ORDER:
        rs = [r for r in results if r["rule"] == rule]
        c = {s: sum(1 for r in rs if r["status"] == s)
             for s in ("pass", "fail", "indeterminate", "not_applicable")}
        p(f"| `{rule}` | {c['pass']} | {c['fail']} | {c['indeterminate']} | "
          f"{c['not_applicable']} |")
    tot = {s: sum(1 for r in results if r["status"] == s)
           for s in ("pass", "fail", "indeterminate", "not_applicable")}
    p(f"| **all {len(results)} result rows** | {tot['pass']} | {tot['fail']} | "
      f"{tot['indeterminate']} | {tot['not_applicable']} |")
    p("")
    p("## Result rows")
    p("")
    p("| rule | group | numerator | denominator | unknown | ratio | status | sf num | sf add |")
    p("|---|---|---:|---:|---:|---:|---|---:|---:|")
    for rule in RULE_ORDER:
        for r in (x for x in results if x["rule"] == rule):
            sf = r["shortfall"]
            sfn = exact(sf["numerator"]) if sf else ""
            sfa = ("null" if sf["add"] is None else str(sf["add"])) if sf else ""
            p(f"| `{rule}` | {r['group'] or ''} | {exact(r['numerator'])} | "
              f"{exact(r['denominator'])} | {r['unknown']} | {ratio_text(r)} | "
              f"{r['status']} | {sfn} | {sfa} |")
    return "\n".join(out) + "\n"


def as_json(year):
    rows = []
    for rule in RULE_ORDER:
        for r in (x for x in results if x["rule"] == rule):
            sf = r["shortfall"]
            rows.append({
                "rule": rule, "group": r["group"], "status": r["status"],
                "numerator": exact(r["numerator"]), "denominator": exact(r["denominator"]),
                "unknown": r["unknown"],
                "shortfall": None if sf is None else {
                    "numerator": exact(sf["numerator"]),
                    "add": sf["add"]},
            })
    return json.dumps({"as_of": AS_OF.isoformat(), "year": year, "results": rows},
                      ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    y = main()
    assert sorted({r["rule"] for r in results}) == sorted(RULE_ORDER)
    sys.stdout.write(as_json(y) if "--json" in sys.argv[1:] else markdown(y))
