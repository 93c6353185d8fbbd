#!/usr/bin/env python3
"""What a data engineer would reach for: the two delegate targets of the
Taizhou plan as one DuckDB SQL query over read_csv(all_varchar=true), with
the same reading rules as benches/pandas_targets.py (yes/no words,
derivation from 单位类型, the usual date forms, month-only dates, 周岁 ages);
and the same query plus the duplicate check (the same name and birth date
twice, as GROUP BY … HAVING count(*) > 1).

Prints JSON: the counts (checked against reformcheck's by benches/run.py)
and the engine time of each query in seconds, measured inside the process
around the query alone (no Python start-up, no import).

Also times a plain query — only ISO dates, only the exact words 是 and the
plan's unit types, no full-width folding, no month-only dates — the kind of
query one writes first. Its counts are not the plan's (it misreads the other
spellings), so they are not compared; its time is a lower bound for what
DuckDB needs to read the file and count.

Usage: duckdb_targets.py delegates.csv AS_OF THREADS
"""
import json
import sys
import time

import duckdb

TRUE = ["是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "t"]
FALSE = ["否", "n", "no", "false", "0", "×", "✗", "✘", "x", "无", "f"]
FRONTLINE_TYPES = ["企业", "高校", "科研院所", "乡镇(街道)", "乡镇", "街道", "社会组织"]
FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000。"
HALF = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + " ."


def quoted(words):
    return ", ".join("'" + w.replace("'", "''") + "'" for w in words)


def query(path, as_of, duplicates):
    y, m, d = as_of.split("-")
    leap = (int(y) % 4 == 0 and int(y) % 100 != 0) or int(y) % 400 == 0
    full, halfwidth = FULL.replace("'", "''"), HALF.replace("'", "''")
    # translate() is slow in DuckDB: only cells that hold a full-width form go through it.
    half = lambda col: (f"trim(CASE WHEN regexp_matches(\"{col}\", '[\\x{{FF01}}-\\x{{FF5E}}\\x{{3000}}。]') "
                        f"THEN translate(\"{col}\", '{full}', '{halfwidth}') ELSE \"{col}\" END)")
    dup = ""
    if duplicates:
        dup = """,
dups AS (
  SELECT sum(n - 1) AS rows FROM (
    SELECT count(*) AS n FROM dated
    WHERE ok AND name <> ''
    GROUP BY name, yy, mm, dd HAVING count(*) > 1))"""
    return f"""
WITH raw AS (
  SELECT lower({half('是否基层一线')}) AS flag, {half('单位类型')} AS unit,
         {half('出生日期')} AS birth, trim("姓名") AS name
  FROM read_csv('{path}', all_varchar = true, header = true)),
parsed AS (
  SELECT *, CASE WHEN regexp_matches(birth, '^\\d{{8}}$')
                 THEN {{'y': birth[1:4], 'm': birth[5:6], 'd': birth[7:8]}}
                 ELSE regexp_extract(birth,
                   '^(\\d{{4}})[-/.年](\\d{{1,2}})(?:[-/.月](\\d{{1,2}})?)?[日号]?$', ['y', 'm', 'd'])
            END AS p
  FROM raw),
dated AS {'MATERIALIZED ' if duplicates else ''}(
  SELECT *, try_cast(nullif(p.y, '') AS INTEGER) AS yy, try_cast(nullif(p.m, '') AS INTEGER) AS mm,
         try_cast(nullif(p.d, '') AS INTEGER) AS dd,
         yy IS NOT NULL AND mm BETWEEN 1 AND 12
           AND (dd IS NULL OR try_cast(printf('%04d-%02d-%02d', yy, mm, dd) AS DATE) IS NOT NULL) AS ok
  FROM parsed),
aged AS (
  SELECT *,
    CASE WHEN NOT ok THEN NULL
         WHEN dd IS NULL THEN 1 ELSE dd END AS d_old,
    CASE WHEN NOT ok THEN NULL
         WHEN dd IS NULL THEN day(last_day(make_date(yy, mm, 1))) ELSE dd END AS d_young
  FROM dated),
ages AS (
  SELECT *,
    {y} - yy - CASE WHEN {m} < mm OR ({m} = mm AND {d} <= CASE WHEN mm = 2 AND d_old = 29 AND NOT {leap} THEN 28 ELSE d_old END) THEN 1 ELSE 0 END AS oldest,
    {y} - yy - CASE WHEN {m} < mm OR ({m} = mm AND {d} <= CASE WHEN mm = 2 AND d_young = 29 AND NOT {leap} THEN 28 ELSE d_young END) THEN 1 ELSE 0 END AS youngest
  FROM aged),
truth AS (
  SELECT
    CASE WHEN flag <> '' THEN
           CASE WHEN flag IN ({quoted(TRUE)}) THEN 1 WHEN flag IN ({quoted(FALSE)}) THEN 0 END
         WHEN unit IN ({quoted(FRONTLINE_TYPES)}) THEN 1
         WHEN unit = '党政机关' THEN 0 END AS front,
    CASE WHEN ok AND oldest <= 45 THEN 1 WHEN ok AND youngest > 45 THEN 0 END AS young
  FROM ages),
targets AS (
  SELECT count(*) FILTER (WHERE front = 1) AS fn, count(*) FILTER (WHERE front IS NULL) AS fu,
         count(*) FILTER (WHERE young = 1) AS yn, count(*) FILTER (WHERE young IS NULL) AS yu,
         count(*) AS n
  FROM truth){dup}
SELECT * FROM targets{', dups' if duplicates else ''}
"""


def plain_query(path, as_of):
    """The two targets the quick way (see the module's doc): a lower bound."""
    y, m, d = as_of.split("-")
    born_after = f"{int(y) - 46:04d}-{m}-{d}"
    return f"""
SELECT count(*) FILTER (WHERE "是否基层一线" = '是'
         OR (coalesce("是否基层一线", '') = '' AND "单位类型" IN ({quoted(FRONTLINE_TYPES)}))),
       count(*) FILTER (WHERE try_cast("出生日期" AS DATE) > DATE '{born_after}'),
       count(*)
FROM read_csv('{path}', all_varchar = true, header = true)
"""


def main():
    path, as_of, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    out = {"threads": threads}
    for name, dup in [("targets", False), ("targets_and_duplicates", True)]:
        sql = query(path, as_of, dup)
        start = time.perf_counter()
        row = con.execute(sql).fetchone()
        out[name + "_seconds"] = time.perf_counter() - start
        fn, fu, yn, yu, n = row[:5]
        out["frontline"] = {"numerator": fn, "denominator": n, "unknown": fu}
        out["youth"] = {"numerator": yn, "denominator": n, "unknown": yu}
        if dup:
            out["duplicate_rows"] = int(row[5] or 0)
    start = time.perf_counter()
    con.execute(plain_query(path, as_of)).fetchone()
    out["plain_seconds"] = time.perf_counter() - start
    print(json.dumps(out))


if __name__ == "__main__":
    main()
