#!/usr/bin/env python3
"""Runs `reformcheck sql --dialect spark` queries in one local Spark session.

Usage: spark-aggregates.py JOBS.json

JOBS.json is a list of {"sql": FILE, "tables": {VIEW: CSV, ...}, "views":
[STATEMENT, ...], "out": CSV}: each CSV (canonical column names in the header)
becomes a temporary view of strings, the optional statements run next (e.g.
views with typed columns), the query runs unchanged through spark.sql, and
its result is
written to "out" with a header row: the aggregates file that
`reformcheck check --aggregates` reads. One session serves every job, so
the JVM starts once.
"""
import csv
import json
import sys

from pyspark.sql import SparkSession


def main(path):
    with open(path, encoding="utf-8") as f:
        jobs = json.load(f)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("reformcheck-aggregates")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for job in jobs:
            for view, csv_path in job["tables"].items():
                (
                    spark.read.option("header", True)
                    .option("encoding", "UTF-8")
                    .csv(csv_path)
                    .createOrReplaceTempView(view)
                )
            for statement in job.get("views", []):
                spark.sql(statement)
            with open(job["sql"], encoding="utf-8") as f:
                query = f.read()
            frame = spark.sql(query)
            rows = frame.collect()
            with open(job["out"], "w", newline="", encoding="utf-8") as f:
                out = csv.writer(f)
                out.writerow(frame.columns)
                for row in rows:
                    out.writerow(["" if v is None else v for v in row])
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
