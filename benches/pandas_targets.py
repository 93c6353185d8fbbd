#!/usr/bin/env python3
"""What a user would otherwise write: the two delegate targets of the Taizhou
plan (front-line share >= 70%, share aged 45 or younger >= 1/3) computed with
pandas, with the same reading rules as reformcheck for the spellings the
benchmark generator writes (yes/no words, unit types, the usual date forms,
month-only dates, 周岁 ages). Prints the counts as JSON so that benches/run.py
can check they equal reformcheck's.

Usage: pandas_targets.py delegates.csv AS_OF   (AS_OF like 2025-06-30)
"""
import json
import sys

import numpy as np
import pandas as pd

TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "t"}
FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "无", "f"}
FRONTLINE_TYPES = {"企业", "高校", "科研院所", "乡镇(街道)", "乡镇", "街道", "社会组织"}
NOT_FRONTLINE_TYPES = {"党政机关"}
HALFWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, ord("。"): ord(".")}


def share(truth):
    """numerator, denominator and unknown count of a True/False/NaN series."""
    known_true = int((truth == 1).sum())
    unknown = int(truth.isna().sum())
    return {"numerator": known_true, "denominator": int(len(truth)), "unknown": unknown}


def frontline(df):
    flag = df["是否基层一线"].str.strip().str.translate(HALFWIDTH).str.lower()
    unit = df["单位类型"].str.strip().str.translate(HALFWIDTH)
    explicit = pd.Series(np.nan, index=df.index)
    explicit[flag.isin(TRUE)] = 1
    explicit[flag.isin(FALSE)] = 0
    derived = pd.Series(np.nan, index=df.index)
    derived[unit.isin(FRONTLINE_TYPES)] = 1
    derived[unit.isin(NOT_FRONTLINE_TYPES)] = 0
    # The explicit cell wins when filled (even if unreadable).
    return explicit.where(flag != "", derived)


def youth(df, as_of, limit=45):
    text = df["出生日期"].str.strip().str.translate(HALFWIDTH)
    compact = text.str.extract(r"^(\d{4})(\d{2})(\d{2})$")
    spaced = text.str.extract(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})?)?[日号]?$")
    parts = compact.where(compact[0].notna(), spaced).astype("float")
    year, month, day = parts[0], parts[1], parts[2]
    ok = year.notna() & month.between(1, 12)
    month_only = ok & day.isna()
    # Full dates must exist in the calendar.
    stamp = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day.fillna(1)}).where(ok),
        errors="coerce",
    )
    ok &= stamp.notna()
    last_day = stamp + pd.offsets.MonthEnd(0)
    leap = (as_of.year % 4 == 0 and as_of.year % 100 != 0) or as_of.year % 400 == 0

    def age(d):
        # 周岁: N is reached the day after the Nth birthday; 29 Feb → 28 Feb.
        d = d.where(~((month == 2) & (d == 29)) | leap, 28)
        before = (as_of.month < month) | ((as_of.month == month) & (as_of.day <= d))
        return as_of.year - year - before.astype(int)

    oldest = age(day.where(~month_only, 1))
    youngest = age(day.where(~month_only, last_day.dt.day))
    truth = pd.Series(np.nan, index=df.index)
    truth[ok & (oldest <= limit)] = 1
    truth[ok & (youngest > limit)] = 0
    return truth


def main():
    path, as_of = sys.argv[1], pd.Timestamp(sys.argv[2])
    df = pd.read_csv(
        path,
        usecols=["出生日期", "单位类型", "是否基层一线"],
        dtype=str,
        keep_default_na=False,
    )
    print(json.dumps({"frontline": share(frontline(df)), "youth": share(youth(df, as_of))}))


if __name__ == "__main__":
    main()
