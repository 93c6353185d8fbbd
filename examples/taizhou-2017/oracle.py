#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Independent oracle for the invented Taizhou sample data in this folder.

Reads the CSV files back (it shares no code with generate.py) and computes, for each of
the 35 rules of the Taizhou pack, every result row with exact rational arithmetic
(fractions.Fraction; floats are used only for the display-only ratio column), and the
readings of the plan: severity from the plan's modal word (应/确保/要/必须 bind; 力争/一般应/
普遍/指导/推动/推进/主要 are aspirations), whose target (the city figure for 全市 targets),
addressees (医药高新区 is not a 市(区)), due dates against the data's period, and 每年.

    python3 oracle.py --previous previous/delegates.csv > EXPECTED.md   # markdown (default)
    python3 oracle.py --json               # the same rows as JSON (exact values as strings)
    python3 oracle.py --year 2024          # check another year of districts.csv and city.csv
    python3 oracle.py --as-of 2019-06-30   # another reference date
    python3 oracle.py --previous previous/delegates.csv   # or --previous 65%

Default as-of date 2026-11-28; dated files are checked for their latest year.
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


def arg(name, default=None):
    argv = sys.argv[1:]
    return argv[argv.index(name) + 1] if name in argv else default


AS_OF = dt.date.fromisoformat(arg("--as-of", "2026-11-28"))
PLAN_DATE = dt.date(2017, 3, 24)

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


def emit(rule, group, num, den, unk, status, sf_num, sf_add, **extra):
    no_change = sf_num == 0 and not sf_add
    results.append(dict(rule=rule, group=group,
                        numerator=None if num is None else F(num),
                        denominator=None if den is None else F(den),
                        unknown=unk, status=status,
                        shortfall=None if status in ("pass", "not_applicable", "skipped")
                        or no_change else {"numerator": F(sf_num), "add": sf_add},
                        **extra))


def not_addressed(rule, group):
    """八(一)'s 市(区) sentences do not hold 医药高新区 (listed apart from the 市(区))."""
    emit(rule, group, None, None, 0, "not_applicable", None, None)


def one_row(rule, group, row, cond):
    """A yes/no rule on one row whose scope may be unknown. cond(row) -> (scope, met), each
    True/False/None. Every filling of the unknown cells is tried: pass if each filling
    passes or leaves nothing in scope, fail if each fails, indeterminate otherwise."""
    scope, met = cond(row)
    outcomes = set()
    for s_ in ([scope] if scope is not None else [True, False]):
        for m_ in ([met] if met is not None else [True, False]):
            outcomes.add("na" if not s_ else ("pass" if m_ else "fail"))
    if outcomes == {"na"}:
        return
    num = 1 if scope is True and met is True else 0
    den = 1 if scope is True else 0
    unk = 1 if scope is None or (scope is True and met is None) or (scope is None) else 0
    if outcomes <= {"pass", "na"}:
        status = "pass"
    elif outcomes == {"fail"}:
        status = "fail"
    else:
        status = "indeterminate"
    # The shortfall assumes the worst: a row of unknown scope that fails is in scope.
    worst_den = 1 if scope is not False else 0
    emit(rule, group, num, den, unk, status, worst_den - num, None)


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

    def rating(cell):
        c = cell.strip().upper().replace("级", "")
        if c == "":
            return 0
        m = re.fullmatch(r"([1-5])A", c) or re.fullmatch(r"(A{1,5})", c)
        if not m:
            return None   # unreadable: unknown
        return int(m[1]) if m[1][0].isdigit() else len(m[1])

    def linked_city_3a(r):
        # 四(一): 市级 societies rated 3A or above; 和 read as national or provincial.
        lvl, rt = r["级别"].strip() == "市级", rating(r["评估等级"])
        scope = False if not lvl else (None if rt is None else rt >= 3)
        return scope, both("上联国家或省级学会", "下带县级学会")(r)

    for r in socs:
        one_row("societies.upper_lower_link", r["学会名称"], r, linked_city_3a)
    for r in socs:
        if r["级别"].strip() == "市级":
            share("societies.two_reforms", r["学会名称"], [r], both("秘书长职业化", "秘书处实体化"),
                  ">=", F(1))
    for rule, col in [("societies.supervisory_board", "设立监事会"),
                      ("societies.decoupled", "与行政机关脱钩"),
                      ("societies.party_working_group", "理事会党的工作小组"),
                      ("societies.party_branch", "办事机构党支部")]:
        for r in socs:
            share(rule, r["学会名称"], [r], lambda x, c=col: boolean(x[c]), ">=", F(1))

    # ---- districts (latest year, or --year) ------------------------------------------
    dist_all = read("districts.csv")
    year = int(arg("--year", max(int(r["年度"]) for r in dist_all)))
    dist = [r for r in dist_all if int(r["年度"]) == year]
    if dist:
        district_rules(dist, dist_all, year)
    city_year = city_rules()
    frontline_growth(dele)
    readings({"districts": year, "city": city_year})
    return year


def district_rules(dist, dist_all, year):
    def both(a, b):
        def f(r):
            x, y = boolean(r[a]), boolean(r[b])
            if x is False or y is False:
                return False
            if x is None or y is None:
                return None
            return True
        return f

    NOT_DISTRICTS = {"医药高新区", "泰州医药高新区", "市本级"}
    for rule, a, b in [("districts.independent_party_group", "独立建制", "设立党组"),
                       ("districts.kx_head_in_congress", "科协负责人参加同级人大常委会",
                        "科协负责人参加同级政协常委会")]:
        for r in dist:
            if r["市（区）"].strip() in NOT_DISTRICTS:
                not_addressed(rule, r["市（区）"])
            else:
                share(rule, r["市（区）"], [r], both(a, b), ">=", F(1))

    def coverage(rule, num_col, den_col, t, count=True, weight=None, total=True):
        tn = td = F(0)
        for r in dist:
            if r["市（区）"].strip() == "市本级":
                continue
            if weight:   # rate x weight / weight
                w = rational(r[weight])
                num, den = rational(r[num_col]) * w, w
            else:
                num, den = rational(r[num_col]), rational(r[den_col])
            tn += num
            td += den
            ratio_of_sums(rule, r["市（区）"], num, den, t, count)
        if total:
            ratio_of_sums(rule, "(total)", tn, td, t, count)

    coverage("districts.township_coverage", "已建科协组织的乡镇（街道）数", "乡镇（街道）数", F(1))
    coverage("districts.park_coverage", "已建科协组织的园区数", "园区数", F(1))
    coverage("districts.agri_coverage", "农技协覆盖的乡镇（街道）数", "乡镇（街道）数", F(1))
    coverage("districts.above_scale_coverage", "已建科协组织的规模以上工业企业数", "规模以上工业企业数",
             F(1, 2))
    coverage("districts.hitech_coverage", "已建科协组织的高新技术企业数", "高新技术企业数", F(3, 5))
    # 各级: every level on its own budget; Σ budgets / Σ population is no level's figure.
    coverage("districts.popsci_funding", "财政科普经费（元）", "常住人口", F(3), count=False,
             total=False)
    coverage("districts.science_literacy", "公民具备科学素质比例", None, F(15, 100), count=True,
             weight="常住人口")
    every_year("districts.annual_report", dist_all, "市（区）", "听取科协工作汇报", year)


def city_rules():
    # ---- city (the 市科协's own items) ----------------------------------------------
    city_all = read("city.csv")
    city_year = int(arg("--year", max(int(r["年度"]) for r in city_all)))
    row = next(r for r in city_all if int(r["年度"]) == city_year)
    for rule, col in [("city.science_museum_plate", "市科技馆增挂青少年科技创新活动中心牌子"),
                      ("city.function_transfer_group", "成立承接政府转移职能工作协调小组"),
                      ("city.maker_alliance", "成立青少年科学创客联盟"),
                      ("city.advisory_committee", "成立专家决策咨询委员会"),
                      ("city.university_federation", "成立高校科协联合会"),
                      ("city.party_committee", "成立科技社团联合党委")]:
        share(rule, None, [row], lambda x, c=col: boolean(x[c]), ">=", F(1))
    every_year("city.annual_report", city_all, None, "市委、市政府听取科协工作汇报", city_year)
    ratio_of_sums("city.popsci_funding", None, rational(row["市本级财政科普经费（元）"]),
                  rational(row["常住人口"]), F(3), count=False)
    return city_year


def frontline_growth(dele):
    # ---- delegates.frontline_growth: against the previous congress --------------------
    prev = arg("--previous")
    if prev is None:
        emit("delegates.frontline_growth", None, None, None, 0, "skipped", None, None)
    else:
        if (HERE / prev).exists():
            old = read(prev)
            vals = [frontline(r) for r in old]
            assert None not in vals, "the sample's previous roster has no unknown cells"
            p_share = F(sum(1 for v in vals if v), len(vals))
        else:
            p_share = rational(prev)
        share("delegates.frontline_growth", None, dele, frontline, ">", p_share)


def every_year(rule, rows, key, col, upto):
    """每年: every year in the file from the plan's year up to `upto` must say 是; the years
    that say 否 are named (unknown years make it indeterminate)."""
    groups = {}
    for r in rows:
        y = int(r["年度"])
        g = r[key].strip() if key else None
        if g == "市本级" or not (PLAN_DATE.year <= y <= upto):
            continue
        groups.setdefault(g, []).append((y, boolean(r[col])))
    for g, years in groups.items():
        years.sort()
        k = sum(1 for _, v in years if v is True)
        n = len(years)
        unmet = [y for y, v in years if v is False]
        unknown = [y for y, v in years if v is None]
        status = "pass" if k == n else ("fail" if unmet else "indeterminate")
        emit(rule, g, k, n, len(unknown), status, n - k, None, years_unmet=unmet,
             years_unknown=unknown)


# ------------------------------------------------------------------------------------
# readings: severity from the modal word, whose target, due against the period
# ------------------------------------------------------------------------------------
BINDS = {"应", "确保", "要", "必须"}
ASPIRES = {"力争", "一般应", "普遍", "指导", "推动", "推进", "主要"}
# The plan's modal word in each rule's sentence (None: a figure stated without one).
WORD = {
    "committee.vice_chair_fields": "主要",              # 兼职副主席主要从…产生
    "societies.upper_lower_link": "要",                 # 3A级及以上学会要实现上联下带
    "districts.science_literacy": "确保",               # 确保到 2020 年全市…达到 15%
    "society_delegates.frontline": "应",                # 应主要为
    "society_council.frontline": "应",
    "society_council.standing_frontline": "应",
    "society_council.young_middle": "一般应",
    "societies.member_growth": "力争",
    "societies.two_reforms": "推动",                    # 推动市级学会实现“两化”目标
    "societies.supervisory_board": "指导",
    "societies.decoupled": "推进",                      # 稳步推进学会与行政机关脱钩
    "districts.independent_party_group": "应",
    "districts.township_coverage": "应",
    "districts.park_coverage": "应",
    "districts.above_scale_coverage": "力争",
    "districts.hitech_coverage": "力争",
    "districts.annual_report": "应",
    "city.annual_report": "应",
    "societies.party_working_group": "推进",            # 推进…全面覆盖
    "societies.party_branch": "普遍",
    "districts.popsci_funding": "确保",
    "city.popsci_funding": "确保",
}
# Due dates: 2020年年底前 / 到2020年 -> 2020-12-31; 3年内 from the plan's date.
DUE = {r: dt.date(2020, 12, 31) for r in (
    "districts.above_scale_coverage", "districts.hitech_coverage", "districts.popsci_funding",
    "districts.science_literacy", "city.popsci_funding")}
DUE["societies.upper_lower_link"] = PLAN_DATE.replace(year=PLAN_DATE.year + 3)
DATED = {"districts", "city"}


def readings(years):
    for r in results:
        word = WORD.get(r["rule"])
        r["binding"] = word
        sev = "warning" if word in ASPIRES else "error"
        assert word is None or word in BINDS | ASPIRES
        # 全市 target: only the city figure is judged; districts for reference.
        if r["rule"] == "districts.science_literacy" and r["group"] != "(total)":
            sev = "info"
        r["severity"] = sev
        due = DUE.get(r["rule"])
        if due and r["status"] in ("fail", "indeterminate"):
            dataset = r["rule"].split(".")[0]
            if dataset in DATED:
                # a year's statistics are due when the year ends on or after the due date
                pending = dt.date(years[dataset], 12, 31) < due
            else:
                pending = AS_OF <= due
            if pending:
                r["status"] = "pending"


# ------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------
# The plan's clause order (三 … 九); within a clause the order is the pack's own.
RULE_ORDER = [
    # 三(一)
    "delegates.frontline", "delegates.youth", "delegates.frontline_growth",
    "committee.frontline", "committee.standing_frontline", "committee.vice_chair_fields",
    "city.science_museum_plate",                                          # 三(四)
    "societies.upper_lower_link",                                         # 四(一)
    "city.function_transfer_group",                                       # 四(三)
    "districts.science_literacy",                                         # 五(一)
    "city.maker_alliance",                                                # 五(二)
    "city.advisory_committee",                                            # 六(一)
    # 七(一)
    "society_delegates.frontline", "society_council.frontline",
    "society_council.standing_frontline", "society_council.young_middle",
    "societies.member_growth",
    # 七(二)
    "societies.two_reforms", "societies.supervisory_board", "societies.decoupled",
    # 八(一)
    "districts.independent_party_group", "districts.kx_head_in_congress",
    "districts.township_coverage", "districts.park_coverage",
    # 八(二)
    "city.university_federation", "districts.agri_coverage", "districts.above_scale_coverage",
    "districts.hitech_coverage",
    # 九(一)
    "districts.annual_report", "city.annual_report",
    # 九(二)
    "city.party_committee", "societies.party_working_group", "societies.party_branch",
    # 九(三)
    "districts.popsci_funding", "city.popsci_funding",
]
CLAUSE = {}
for _clause, _ids in [
        ("三(一)", RULE_ORDER[:6]), ("三(四)", ["city.science_museum_plate"]),
        ("四(一)", ["societies.upper_lower_link"]), ("四(三)", ["city.function_transfer_group"]),
        ("五(一)", ["districts.science_literacy"]), ("五(二)", ["city.maker_alliance"]),
        ("六(一)", ["city.advisory_committee"]), ("七(一)", RULE_ORDER[12:17]),
        ("七(二)", RULE_ORDER[17:20]), ("八(一)", RULE_ORDER[20:24]), ("八(二)", RULE_ORDER[24:28]),
        ("九(一)", RULE_ORDER[28:30]), ("九(二)", RULE_ORDER[30:33]), ("九(三)", RULE_ORDER[33:])]:
    for _id in _ids:
        CLAUSE[_id] = _clause
assert len(CLAUSE) == len(RULE_ORDER) == 35


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
    if not r["denominator"]:
        return ""
    return f"{float(r['numerator'] / r['denominator']):.6f}"


def markdown(year):
    out = []
    p = out.append
    p("# Expected results — invented Taizhou sample data")
    p("")
    p("Generated by `python3 oracle.py --previous previous/delegates.csv > EXPECTED.md` "
      "(exact arithmetic with "
      "`fractions.Fraction`; independent of `generate.py`). **All data in this folder is "
      "invented.**")
    p("")
    p(f"- as-of date: {AS_OF.isoformat()}; previous congress: `{arg('--previous')}`")
    p(f"- districts and city: year {year} (`--year`; default the latest in each file)")
    p("- `severity`: from the plan's modal word (`binding`): 应/确保/要/必须 → error; "
      "力争/一般应/普遍/指导/推动/推进/主要 → warning; district figures of a 全市 target → info")
    p("- `pending`: unmet before its due date — by the data's year for dated files, by the "
      "as-of date for rosters; `years unmet`: 每年 rules name the years without a report")
    p("- `group`: society or district name; `(total)` = pooled city total "
      "(Σnumerator / Σdenominator); empty = ungrouped rule")
    p("- `sf num` / `sf add`: shortfall numerator / add; empty when the result needs no "
      "shortfall (pass, not_applicable); `null` where adding can never help or the rule "
      "is a ratio of sums")
    p("- `ratio` is for display only (6 decimals); numerators and denominators are exact")
    p("")
    p("## Summary")
    p("")
    states = ("pass", "fail", "indeterminate", "pending", "skipped", "not_applicable")
    p("| clause | rule | binding | " + " | ".join(states) + " |")
    p("|---|---|---|" + "---:|" * len(states))
    for rule in RULE_ORDER:
        rs = [r for r in results if r["rule"] == rule]
        c = [str(sum(1 for r in rs if r["status"] == s)) for s in states]
        p(f"| {CLAUSE[rule]} | `{rule}` | {WORD.get(rule) or ''} | " + " | ".join(c) + " |")
    tot = [str(sum(1 for r in results if r["status"] == s)) for s in states]
    p(f"| | **all {len(results)} result rows** | | " + " | ".join(tot) + " |")
    p("")
    p("## Result rows")
    p("")
    p("| rule | group | numerator | denominator | unknown | ratio | status | severity | sf num "
      "| sf add | years unmet |")
    p("|---|---|---:|---:|---:|---:|---|---|---:|---:|---|")
    for rule in RULE_ORDER:
        for r in (x for x in results if x["rule"] == rule):
            sf = r["shortfall"]
            sfn = exact(sf["numerator"]) if sf else ""
            sfa = ("null" if sf["add"] is None else str(sf["add"])) if sf else ""
            unmet = ", ".join(str(y) for y in r.get("years_unmet", []))
            p(f"| `{rule}` | {r['group'] or ''} | {exact(r['numerator']) or ''} | "
              f"{exact(r['denominator']) or ''} | {r['unknown']} | {ratio_text(r)} | "
              f"{r['status']} | {r['severity']} | {sfn} | {sfa} | {unmet} |")
    return "\n".join(out) + "\n"


def as_json(year):
    rows = []
    for rule in RULE_ORDER:
        for r in (x for x in results if x["rule"] == rule):
            sf = r["shortfall"]
            rows.append({
                "rule": rule, "group": r["group"], "status": r["status"],
                "numerator": exact(r["numerator"]), "denominator": exact(r["denominator"]),
                "unknown": r["unknown"], "severity": r["severity"], "binding": r["binding"],
                "clause": CLAUSE[rule],
                "years_unmet": r.get("years_unmet", []),
                "years_unknown": r.get("years_unknown", []),
                "shortfall": None if sf is None else {
                    "numerator": exact(sf["numerator"]),
                    "add": sf["add"]},
            })
    return json.dumps({"as_of": AS_OF.isoformat(), "year": year, "results": rows},
                      ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    y = main()
    assert {r["rule"] for r in results} <= set(RULE_ORDER)
    sys.stdout.write(as_json(y) if "--json" in sys.argv[1:] else markdown(y))
