"""Exit 0 if the PostgreSQL server of the given URL answers, 1 if not."""

import sys
from urllib.parse import urlsplit

import psycopg

url = urlsplit(sys.argv[1])
try:
    psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username,
        dbname="postgres",
        connect_timeout=5,
    ).close()
except psycopg.OperationalError as error:
    print(f"PostgreSQL: {error}", file=sys.stderr)
    sys.exit(1)
