#!/usr/bin/env python3
"""Copies a delegates CSV made by `examples/gendata.rs`, making the birth date of
every EVERY-th row (default 2) unreadable: a file with as many data issues as
one likes, for measuring memory with a million issues (issue 12, item 2).

    python3 benches/bad_births.py IN.csv OUT.csv [EVERY]
"""
import csv
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    every = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    with open(src, newline="", encoding="utf-8") as f, open(
        dst, "w", newline="", encoding="utf-8"
    ) as g:
        rows = csv.reader(f)
        out = csv.writer(g, lineterminator="\n")
        head = next(rows)
        out.writerow(head)
        birth = head.index("出生日期")
        for i, row in enumerate(rows):
            if i % every == 0 and len(row) > birth:
                row[birth] = "不详%d" % (i % 97)
            out.writerow(row)


if __name__ == "__main__":
    main()
