#!/usr/bin/env python3
"""The two delegate targets with Polars (lazy, streaming engine), with the
same reading rules as benches/pandas_targets.py. Prints the counts as JSON
so that benches/run.py can check they equal reformcheck's.

Usage: polars_targets.py delegates.csv AS_OF
"""
import json
import sys

import polars as pl

TRUE = ["是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "t"]
FALSE = ["否", "n", "no", "false", "0", "×", "✗", "✘", "x", "无", "f"]
FRONTLINE_TYPES = ["企业", "高校", "科研院所", "乡镇(街道)", "乡镇", "街道", "社会组织"]
FULL = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "。"]
HALF = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" ", "."]


def half(col):
    return pl.col(col).fill_null("").str.replace_many(FULL, HALF).str.strip_chars()


def main():
    path, as_of = sys.argv[1], sys.argv[2]
    y, m, d = (int(x) for x in as_of.split("-"))
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    lf = pl.scan_csv(path, infer_schema=False).select(
        half("是否基层一线").str.to_lowercase().alias("flag"),
        half("单位类型").alias("unit"),
        half("出生日期").alias("birth"),
    )
    compact = pl.col("birth").str.extract_groups(r"^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$")
    spaced = pl.col("birth").str.extract_groups(
        r"^(?<y>\d{4})[-/.年](?<m>\d{1,2})(?:[-/.月](?<d>\d{1,2})?)?[日号]?$"
    )
    part = lambda k: pl.coalesce(compact.struct.field(k), spaced.struct.field(k)).cast(pl.Int32, strict=False)
    lf = lf.with_columns(yy=part("y"), mm=part("m"), dd=part("d"))
    valid_day = pl.date(pl.col("yy"), pl.col("mm"), pl.lit(1)).dt.month_end().dt.day()
    ok = pl.col("yy").is_not_null() & pl.col("mm").is_between(1, 12)
    ok = ok & (pl.col("dd").is_null() | (pl.col("dd").is_between(1, 31) & (pl.col("dd") <= valid_day)))
    lf = lf.with_columns(ok=ok.fill_null(False))
    last = pl.when(pl.col("ok")).then(valid_day)

    def age(day):
        day = pl.when((pl.col("mm") == 2) & (day == 29) & (not leap)).then(28).otherwise(day)
        before = (pl.lit(m) < pl.col("mm")) | ((pl.col("mm") == m) & (pl.lit(d) <= day))
        return y - pl.col("yy") - before.cast(pl.Int32)

    oldest = age(pl.col("dd").fill_null(1))
    youngest = age(pl.coalesce(pl.col("dd"), last))
    young = (
        pl.when(pl.col("ok") & (oldest <= 45)).then(1).when(pl.col("ok") & (youngest > 45)).then(0)
    )
    explicit = pl.when(pl.col("flag").is_in(TRUE)).then(1).when(pl.col("flag").is_in(FALSE)).then(0)
    derived = pl.when(pl.col("unit").is_in(FRONTLINE_TYPES)).then(1).when(pl.col("unit") == "党政机关").then(0)
    front = pl.when(pl.col("flag") != "").then(explicit).otherwise(derived)
    out = (
        lf.select(front.alias("front"), young.alias("young"))
        .select(
            fn=(pl.col("front") == 1).sum(),
            fu=pl.col("front").is_null().sum(),
            yn=(pl.col("young") == 1).sum(),
            yu=pl.col("young").is_null().sum(),
            n=pl.len(),
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    print(json.dumps({
        "frontline": {"numerator": out["fn"], "denominator": out["n"], "unknown": out["fu"]},
        "youth": {"numerator": out["yn"], "denominator": out["n"], "unknown": out["yu"]},
    }))


if __name__ == "__main__":
    main()
