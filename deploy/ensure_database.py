"""Create the database named by DATABASE_URL when it does not exist yet."""

import sys
from pathlib import Path

import environ
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(ROOT / ".env", overwrite=False)
db = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/heygem")

params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432,
          "user": db["USER"], "password": db["PASSWORD"] or None}  # fmt: skip
try:
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not conn.execute(exists, [db["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"Created database {db['NAME']}.")
except psycopg.OperationalError as exc:
    sys.exit(f"Cannot reach PostgreSQL at {params['host']}:{params['port']}: {exc}")
