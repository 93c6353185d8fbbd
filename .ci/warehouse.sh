#!/usr/bin/env bash
# CI, warehouses (issue 13): installs PostgreSQL and Java from Debian's
# packages and pyspark into a virtualenv, starts a throwaway PostgreSQL
# cluster on a Unix socket in a temporary folder (stopped by the trap at the
# end), and runs tests/warehouse.rs against it and Spark in local mode.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
java -version >/dev/null 2>&1 || need+=(default-jre-headless)
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
java -version 2>&1 | head -1

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/reformcheck-warehouse.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/socket"
chown -R postgres "$work" 2>/dev/null || chown -R nobody "$work"
owner=$(stat -c %U "$work")

stop() {
    su "$owner" -s /bin/sh -c "$PGBIN/pg_ctl -D '$work/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT

su "$owner" -s /bin/sh -c "$PGBIN/initdb -D '$work/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
su "$owner" -s /bin/sh -c "$PGBIN/pg_ctl -D '$work/data' -l '$work/server.log' -w \
    -o \"-k $work/socket -c listen_addresses='' -c fsync=off\" start" >/dev/null
export RC_PG="host=$work/socket user=postgres dbname=postgres"

# pyspark from PyPI in a virtualenv, kept between runs on the same machine.
venv=${RC_SPARK_VENV:-/tmp/reformcheck-spark-venv}
if ! "$venv/bin/python" -c "import pyspark; assert pyspark.__version__ == '4.3.0'" >/dev/null 2>&1; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "pyspark==4.3.0"
fi
export RC_SPARK_PYTHON="$venv/bin/python"

export RC_PSQL="$PGBIN/psql"
cargo test --locked --test warehouse -- --include-ignored --nocapture --test-threads 2
