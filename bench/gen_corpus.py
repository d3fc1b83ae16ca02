#!/usr/bin/env python3
"""Reproducible benchmark corpora for schemagate (python3 standard library only).

    gen_corpus.py --out DIR --sizes 100,1000,10000 [--seed N] [--force]

For each size N it writes, under DIR:

  sql-N/          a golang-migrate folder: N files, N/2 migrations of
                  `000001_create_users.up.sql` + `.down.sql`
  alembic-N/      an Alembic project: alembic.ini, migrations/env.py and N revision files in
                  migrations/versions/, one chain from the base revision to a single head
  sql-N.stamp     what the folder was made from (generator digest, seed, size) and the
                  digest of its bytes; alembic-N.stamp likewise

Both corpora replay one schema history: a planner keeps a model of the tables, columns,
indexes and constraints, and each migration changes only what exists at that point (a table
is created before it is altered, indexed, referenced, seeded or dropped). The mix is what a
real migrations folder holds: CREATE TABLE with assorted types and constraints, ADD COLUMN
(nullable, with a default, NOT NULL), CREATE INDEX (some CONCURRENTLY, partial, GIN),
ALTER COLUMN TYPE, foreign keys and CHECKs (some NOT VALID then VALIDATE), renames, drops,
backfills (batched and not), seed rows, trigger functions, enums, views, SET lock_timeout,
BEGIN/COMMIT, comments; files from a few lines to a couple of hundred.

Everything comes from random.Random seeded with a string, and nothing iterates a set or
depends on the clock or the hash seed: the same arguments give the same bytes on every run.
A folder whose stamp matches is left as it is (use --force to rewrite it).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sys
from dataclasses import dataclass, field

DEFAULT_SEED = 20261124

# --------------------------------------------------------------------------------------------
# Vocabulary

AREAS = ["", "billing", "crm", "auth", "inventory", "analytics", "support", "catalog",
         "shipping", "marketing", "hr", "finance", "content", "search", "ops"]
NOUNS = ["users", "accounts", "organizations", "teams", "projects", "tasks", "comments",
         "orders", "order_items", "invoices", "payments", "refunds", "products", "skills",
         "categories", "tags", "events", "sessions", "audit_logs", "subscriptions", "plans",
         "coupons", "addresses", "shipments", "warehouses", "stock_levels", "notifications",
         "webhooks", "api_keys", "documents", "attachments", "messages", "tickets", "reviews",
         "carts", "price_lists", "contracts", "employees", "departments", "campaigns"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "metro", "nova", "orbit", "pixel", "quartz", "river",
         "sierra", "tango", "ultra", "vivid", "whiskey", "xenon", "yankee", "zulu"]
STATUSES = ["pending", "active", "suspended", "archived", "failed", "completed", "draft"]

# column name -> candidate type keys (the first is the most common)
COLUMN_TYPES = [
    ("email", ["text", "varchar"]), ("name", ["text", "varchar"]), ("title", ["text", "varchar"]),
    ("description", ["text"]), ("status", ["text", "varchar"]), ("slug", ["text", "varchar"]),
    ("notes", ["text"]), ("currency", ["char3", "text"]), ("country_code", ["char2", "text"]),
    ("locale", ["text", "varchar"]), ("timezone", ["text"]), ("phone", ["text", "varchar"]),
    ("amount_cents", ["bigint", "integer"]), ("quantity", ["integer", "bigint", "smallint"]),
    ("position", ["integer", "smallint"]), ("priority", ["smallint", "integer"]),
    ("version", ["integer", "bigint"]), ("attempts", ["integer", "smallint"]),
    ("price", ["numeric"]), ("score", ["numeric", "integer"]), ("balance", ["numeric"]),
    ("is_active", ["boolean"]), ("archived", ["boolean"]), ("verified", ["boolean"]),
    ("metadata", ["jsonb", "json"]), ("settings", ["jsonb", "json"]), ("payload", ["jsonb"]),
    ("external_id", ["uuid", "text"]), ("token", ["uuid", "text"]),
    ("ip_address", ["inet", "text"]), ("user_agent", ["text"]),
    ("expires_at", ["timestamptz", "timestamp"]), ("started_at", ["timestamptz", "timestamp"]),
    ("finished_at", ["timestamptz", "timestamp"]), ("deleted_at", ["timestamptz", "timestamp"]),
    ("last_seen_at", ["timestamptz", "timestamp"]), ("published_at", ["timestamptz"]),
    ("due_on", ["date"]), ("birth_date", ["date"]), ("valid_from", ["date"]),
]

# type key -> (SQL, SQLAlchemy, needs `postgresql` import)
TYPES = {
    "bigint": ("bigint", "sa.BigInteger()", False),
    "integer": ("integer", "sa.Integer()", False),
    "smallint": ("smallint", "sa.SmallInteger()", False),
    "text": ("text", "sa.Text()", False),
    "varchar": ("varchar(255)", "sa.String(length=255)", False),
    "char2": ("char(2)", "sa.CHAR(length=2)", False),
    "char3": ("char(3)", "sa.CHAR(length=3)", False),
    "boolean": ("boolean", "sa.Boolean()", False),
    "timestamptz": ("timestamptz", "sa.DateTime(timezone=True)", False),
    "timestamp": ("timestamp", "sa.DateTime()", False),
    "date": ("date", "sa.Date()", False),
    "numeric": ("numeric(12, 2)", "sa.Numeric(precision=12, scale=2)", False),
    "jsonb": ("jsonb", "postgresql.JSONB(astext_type=sa.Text())", True),
    "json": ("json", "sa.JSON()", False),
    "uuid": ("uuid", "postgresql.UUID(as_uuid=True)", True),
    "inet": ("inet", "postgresql.INET()", True),
}
WIDER = {"integer": "bigint", "smallint": "integer", "varchar": "text", "char2": "text",
         "char3": "text", "json": "jsonb", "timestamp": "timestamptz", "numeric": "numeric"}
INTEGERS = ("bigint", "integer", "smallint")


# --------------------------------------------------------------------------------------------
# The schema model


@dataclass
class Column:
    name: str
    type: str  # a TYPES key, or "enum:<name>"
    nullable: bool = True
    default: str | None = None  # SQL text of a constant default


@dataclass
class Table:
    name: str
    columns: list[Column]
    indexes: list[tuple[str, list[str]]] = field(default_factory=list)
    referenced: bool = False
    alive: bool = True
    has_trigger: bool = False

    def col(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def plain_columns(self) -> list[Column]:
        return [c for c in self.columns if c.name != "id" and not c.name.endswith("_id")]


@dataclass
class Step:
    kind: str
    args: dict


@dataclass
class Migration:
    number: int
    slug: str
    steps: list[Step]
    lock_timeout: str | None = None
    statement_timeout: str | None = None
    wrap: bool = False  # BEGIN/COMMIT around the SQL upgrade
    header: str | None = None  # a comment on top


class Planner:
    """Draws migrations one after the other, keeping the schema model in step."""

    def __init__(self, seed: str):
        self.rng = random.Random(seed)
        self.tables: list[Table] = []
        self.used: dict[str, None] = {}  # every name handed out (dict: ordered, no set)
        self.enums: list[tuple[str, list[str]]] = []
        self.pending: list[tuple[Table, str]] = []  # NOT VALID constraints not yet validated
        self.functions: list[str] = []
        self.views: list[str] = []
        self.number = 0

    # names ----------------------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        base = base[:55]
        name = base
        n = 2
        while name in self.used:
            name = f"{base}_{n}"
            n += 1
        self.used[name] = None
        return name

    def table_name(self) -> str:
        area = self.rng.choice(AREAS)
        noun = self.rng.choice(NOUNS)
        return self.fresh(f"{area}_{noun}" if area else noun)

    def live(self) -> list[Table]:
        return [t for t in self.tables if t.alive]

    def pick_table(self) -> Table:
        live = self.live()
        # Recent tables are touched more often, as in a real project.
        if len(live) > 8 and self.rng.random() < 0.6:
            return self.rng.choice(live[-8:])
        return self.rng.choice(live)

    def new_column(self, table: Table | None, nullable: bool | None = None) -> Column:
        taken = {c.name: None for c in table.columns} if table else {}
        for _ in range(20):
            cname, kinds = self.rng.choice(COLUMN_TYPES)
            if cname not in taken:
                break
        else:
            cname, kinds = self.rng.choice(COLUMN_TYPES)
            cname = f"{cname}_{self.rng.choice(WORDS)}"
            while cname in taken:
                cname += "_x"
        ty = kinds[0] if self.rng.random() < 0.7 else self.rng.choice(kinds)
        if self.enums and cname == "status" and self.rng.random() < 0.3:
            ty = "enum:" + self.rng.choice(self.enums)[0]
        if nullable is None:
            nullable = self.rng.random() < 0.6
        return Column(cname, ty, nullable)

    def const_default(self, col: Column) -> str:
        t = col.type
        if t.startswith("enum:"):
            return "'" + next(v for n, v in self.enums if n == t[5:])[0] + "'"
        if t in INTEGERS or t == "numeric":
            return "0"
        if t == "boolean":
            return self.rng.choice(["false", "true"])
        if t in ("jsonb", "json"):
            return "'{}'"
        if t in ("timestamptz", "timestamp"):
            return "CURRENT_TIMESTAMP"
        if t == "date":
            return "CURRENT_DATE"
        if t == "char2":
            return "'US'"
        if t == "char3":
            return "'USD'"
        if t == "uuid":
            return "gen_random_uuid()"
        if t == "inet":
            return "'0.0.0.0'"
        return "'" + self.rng.choice(STATUSES) + "'"

    def value(self, col: Column, row: int) -> str:
        t = col.type
        r = self.rng
        if t.startswith("enum:"):
            return "'" + r.choice(next(v for n, v in self.enums if n == t[5:])) + "'"
        if t in INTEGERS:
            return str(r.randrange(0, 30000))
        if t == "numeric":
            return f"{r.randrange(0, 100000) / 100:.2f}"
        if t == "boolean":
            return r.choice(["true", "false"])
        if t in ("jsonb", "json"):
            return "'{\"" + r.choice(WORDS) + "\": " + str(r.randrange(100)) + "}'"
        if t in ("timestamptz", "timestamp"):
            return f"'2024-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d} 12:00:00'"
        if t == "date":
            return f"'2024-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}'"
        if t == "char2":
            return "'" + r.choice(["US", "DE", "FR", "JP", "BR", "IN"]) + "'"
        if t == "char3":
            return "'" + r.choice(["USD", "EUR", "JPY", "BRL"]) + "'"
        if t == "uuid":
            return "'%08x-%04x-4%03x-8%03x-%012x'" % (r.getrandbits(32), r.getrandbits(16),
                                                     r.getrandbits(12), r.getrandbits(12),
                                                     r.getrandbits(48))
        if t == "inet":
            return f"'10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}'"
        return "'" + r.choice(WORDS) + " " + r.choice(WORDS) + f" {row}'"

    # steps ----------------------------------------------------------------------------------
    def create_table(self) -> Step:
        r = self.rng
        name = self.table_name()
        pk = r.choice(["identity", "identity", "bigserial", "serial", "uuid"])
        cols: list[Column] = []
        t = Table(name, cols)
        fks = []
        live = self.live()
        for _ in range(r.choice([0, 1, 1, 2]) if live else 0):
            ref = r.choice(live)
            cname = self.fresh_col(t, singular(ref.name) + "_id")
            cols.append(Column(cname, "bigint", r.random() < 0.3))
            ref.referenced = True
            fks.append((cname, ref.name, r.choice(["CASCADE", "RESTRICT", "SET NULL", None])))
        for _ in range(r.randrange(3, 14)):
            c = self.new_column(t)
            if r.random() < 0.25:
                c.default = self.const_default(c)
            cols.append(c)
        stamps = r.random() < 0.8
        if stamps:
            cols.append(Column("created_at", "timestamptz", False, "now()"))
            cols.append(Column("updated_at", "timestamptz", False, "now()"))
        checks = []
        nums = [c for c in cols if c.type in INTEGERS or c.type == "numeric"]
        if nums and r.random() < 0.4:
            c = r.choice(nums)
            checks.append((self.fresh(f"{name}_{c.name}_check"), f"{c.name} >= 0"))
        uniques = []
        texts = [c for c in cols if c.type in ("text", "varchar") and not c.nullable]
        if texts and r.random() < 0.3:
            c = r.choice(texts)
            uniques.append((self.fresh(f"{name}_{c.name}_key"), [c.name]))
        indexes = []
        for cname, _, _ in fks:
            indexes.append((self.fresh(f"ix_{name}_{cname}"), [cname], False))
        if r.random() < 0.3:
            c = r.choice(cols)
            if c.type not in ("json", "jsonb"):
                indexes.append((self.fresh(f"ix_{name}_{c.name}"), [c.name], r.random() < 0.2))
        cols.insert(0, Column("id", "uuid" if pk == "uuid" else "bigint", False))
        t.indexes = [(n, c) for n, c, _ in indexes]
        self.tables.append(t)
        comment = f"{name.replace('_', ' ')} of the {r.choice(WORDS)} service" \
            if r.random() < 0.3 else None
        return Step("create_table", dict(table=name, pk=pk, columns=list(cols), fks=fks,
                                         checks=checks, uniques=uniques, indexes=indexes,
                                         comment=comment))

    def fresh_col(self, t: Table, base: str) -> str:
        name = base
        while t.col(name) is not None or name == "id":
            name += "_" + self.rng.choice(WORDS)
        return name

    def add_column(self, t: Table) -> Step:
        r = self.rng
        c = self.new_column(t, nullable=True)
        style = r.choices(["nullable", "default", "not_null_default", "volatile"],
                          [5, 3, 2, 1])[0]
        volatile = False
        if style in ("default", "not_null_default"):
            c.default = self.const_default(c)
        if style == "not_null_default":
            c.nullable = False
        if style == "volatile":
            if c.type in ("timestamptz", "timestamp"):
                c.default = "clock_timestamp()"
            elif c.type == "uuid":
                c.default = "gen_random_uuid()"
            else:
                c.default = self.const_default(c)
            volatile = True
        t.columns.append(c)
        return Step("add_column", dict(table=t.name, column=Column(c.name, c.type, c.nullable,
                                                                   c.default),
                                       volatile=volatile, if_not_exists=r.random() < 0.15))

    def create_index(self, t: Table) -> Step | None:
        r = self.rng
        cands = [c for c in t.columns if c.name != "id"]
        if not cands:
            return None
        c = r.choice(cands)
        cols = [c.name]
        if r.random() < 0.25 and len(cands) > 1:
            other = r.choice(cands)
            if other.name != c.name:
                cols.append(other.name)
        using = "gin" if c.type == "jsonb" and len(cols) == 1 else None
        if c.type == "json":
            return None
        where = "deleted_at IS NULL" if t.col("deleted_at") and r.random() < 0.5 else None
        unique = using is None and r.random() < 0.15
        name = self.fresh(("ux_" if unique else "ix_") + t.name + "_" + "_".join(cols))
        t.indexes.append((name, cols))
        concurrently = r.random() < 0.55
        return Step("create_index", dict(table=t.name, name=name, columns=cols, unique=unique,
                                         using=using, where=where, concurrently=concurrently,
                                         if_not_exists=r.random() < 0.2))

    def drop_index(self, t: Table) -> Step | None:
        if not t.indexes:
            return None
        name, cols = t.indexes.pop(self.rng.randrange(len(t.indexes)))
        return Step("drop_index", dict(table=t.name, name=name, columns=cols,
                                       concurrently=self.rng.random() < 0.5))

    def alter_type(self, t: Table) -> Step | None:
        cands = [c for c in t.columns if c.type in WIDER and c.name != "id"]
        if not cands:
            return None
        c = self.rng.choice(cands)
        old = c.type
        new = WIDER[old]
        if old == "numeric":
            new = "numeric"
        c.type = new
        return Step("alter_type", dict(table=t.name, column=c.name, old=old, new=new,
                                       widen_numeric=old == "numeric"))

    def add_fk(self, t: Table) -> Step | None:
        others = [o for o in self.live() if o is not t]
        if not others:
            return None
        ref = self.rng.choice(others)
        ref.referenced = True
        cname = self.fresh_col(t, singular(ref.name) + "_id")
        t.columns.append(Column(cname, "bigint", True))
        name = self.fresh(f"fk_{t.name}_{cname}")
        not_valid = self.rng.random() < 0.65
        validate_now = not_valid and self.rng.random() < 0.5
        if not_valid and not validate_now:
            self.pending.append((t, name))
        return Step("add_fk", dict(table=t.name, column=cname, ref=ref.name, name=name,
                                   not_valid=not_valid, validate_now=validate_now,
                                   index=self.rng.random() < 0.5,
                                   index_name=self.fresh(f"ix_{t.name}_{cname}")))

    def add_check(self, t: Table) -> Step | None:
        cands = [c for c in t.columns if (c.type in INTEGERS or c.type == "numeric"
                                          or c.type in ("text", "varchar")) and c.name != "id"]
        if not cands:
            return None
        c = self.rng.choice(cands)
        expr = f"{c.name} >= 0" if c.type in INTEGERS or c.type == "numeric" \
            else f"char_length({c.name}) <= 1000"
        name = self.fresh(f"ck_{t.name}_{c.name}")
        not_valid = self.rng.random() < 0.6
        validate_now = not_valid and self.rng.random() < 0.5
        if not_valid and not validate_now:
            self.pending.append((t, name))
        return Step("add_check", dict(table=t.name, name=name, expr=expr, not_valid=not_valid,
                                      validate_now=validate_now))

    def validate(self) -> Step | None:
        while self.pending:
            t, name = self.pending.pop(0)
            if t.alive:
                return Step("validate", dict(table=t.name, name=name))
        return None

    def rename_column(self, t: Table) -> Step | None:
        cands = t.plain_columns()
        if not cands:
            return None
        c = self.rng.choice(cands)
        new = self.fresh_col(t, c.name + "_" + self.rng.choice(["old", "new", "v2", "raw"]))
        old = c.name
        c.name = new
        t.indexes = [(n, [new if x == old else x for x in cols]) for n, cols in t.indexes]
        return Step("rename_column", dict(table=t.name, old=old, new=new))

    def rename_table(self, t: Table) -> Step:
        old = t.name
        t.name = self.fresh(old + "_" + self.rng.choice(["v2", "archive", "legacy", "new"]))
        return Step("rename_table", dict(old=old, new=t.name))

    def drop_column(self, t: Table) -> Step | None:
        cands = t.plain_columns()
        if len(cands) < 2:
            return None
        c = self.rng.choice(cands)
        t.columns.remove(c)
        t.indexes = [(n, cols) for n, cols in t.indexes if c.name not in cols]
        return Step("drop_column", dict(table=t.name, column=c))

    def drop_table(self) -> Step | None:
        cands = [t for t in self.live() if not t.referenced]
        if len(self.live()) < 12 or not cands:
            return None
        t = self.rng.choice(cands)
        t.alive = False
        return Step("drop_table", dict(table=t.name, columns=list(t.columns)))

    def backfill(self, t: Table) -> Step | None:
        cands = [c for c in t.plain_columns() if not c.type.startswith("enum:")]
        if not cands:
            return None
        c = self.rng.choice(cands)
        if c.type in ("text", "varchar"):
            expr = self.rng.choice([f"lower({c.name})", f"trim({c.name})", "'unknown'"])
        else:
            expr = self.const_default(c)
        style = self.rng.choices(["plain", "loop", "ranges"], [4, 3, 2])[0]
        return Step("backfill", dict(table=t.name, column=c.name, expr=expr, style=style,
                                     batch=self.rng.choice([1000, 5000, 10000, 50000])))

    def seed(self, t: Table) -> Step | None:
        cols = [c for c in t.columns if c.name != "id" and not c.name.endswith("_id")
                and c.type not in ("uuid",)]
        if not cols:
            return None
        cols = cols[: self.rng.randrange(1, min(6, len(cols)) + 1)]
        n = self.rng.choice([3, 5, 8, 12, 20, 40, 80, 150])
        rows = [[self.value(c, i) for c in cols] for i in range(n)]
        return Step("seed", dict(table=t.name, columns=[c.name for c in cols], rows=rows,
                                 on_conflict=self.rng.random() < 0.3))

    def trigger(self, t: Table) -> Step | None:
        if t.has_trigger or t.col("updated_at") is None:
            return None
        t.has_trigger = True
        create_func = not self.functions or self.rng.random() < 0.2
        func = self.fresh("set_updated_at") if create_func else self.rng.choice(self.functions)
        if create_func:
            self.functions.append(func)
        return Step("trigger", dict(table=t.name, func=func, create_func=create_func,
                                    name=self.fresh(f"trg_{t.name}_updated_at")))

    def set_not_null(self, t: Table) -> Step | None:
        cands = [c for c in t.plain_columns() if c.nullable]
        if not cands:
            return None
        c = self.rng.choice(cands)
        c.nullable = False
        return Step("set_not_null", dict(table=t.name, column=c.name,
                                         safe=self.rng.random() < 0.5,
                                         check=self.fresh(f"ck_{t.name}_{c.name}_not_null")))

    def drop_not_null(self, t: Table) -> Step | None:
        cands = [c for c in t.plain_columns() if not c.nullable]
        if not cands:
            return None
        c = self.rng.choice(cands)
        c.nullable = True
        return Step("drop_not_null", dict(table=t.name, column=c.name))

    def set_default(self, t: Table) -> Step | None:
        cands = [c for c in t.plain_columns() if not c.type.startswith("enum:")]
        if not cands:
            return None
        c = self.rng.choice(cands)
        old = c.default
        c.default = self.const_default(c)
        return Step("set_default", dict(table=t.name, column=c.name, default=c.default, old=old))

    def create_enum(self) -> Step:
        name = self.fresh(self.rng.choice(["order", "ticket", "task", "payment", "account"])
                          + "_status")
        values = self.rng.sample(STATUSES, self.rng.randrange(3, 6))
        self.enums.append((name, values))
        return Step("create_enum", dict(name=name, values=list(values)))

    def add_enum_value(self) -> Step | None:
        if not self.enums:
            return None
        name, values = self.rng.choice(self.enums)
        extra = [s for s in STATUSES + ["on_hold", "cancelled", "expired"] if s not in values]
        if not extra:
            return None
        v = self.rng.choice(extra)
        values.append(v)
        return Step("add_enum_value", dict(name=name, value=v))

    def create_view(self, t: Table) -> Step | None:
        cols = [c.name for c in t.columns[:4]]
        name = self.fresh(f"{t.name}_summary")
        self.views.append(name)
        where = "deleted_at IS NULL" if t.col("deleted_at") else None
        return Step("create_view", dict(name=name, table=t.name, columns=cols, where=where))

    # migrations -----------------------------------------------------------------------------
    KINDS = [("create_table", 14), ("add_column", 16), ("create_index", 12), ("alter_type", 4),
             ("add_fk", 5), ("add_check", 3), ("validate", 3), ("rename_column", 2),
             ("rename_table", 1), ("drop_column", 3), ("drop_index", 2), ("drop_table", 1),
             ("backfill", 7), ("seed", 5), ("trigger", 2), ("set_not_null", 3),
             ("drop_not_null", 1), ("set_default", 2), ("create_enum", 1),
             ("add_enum_value", 1), ("create_view", 1), ("feature", 10)]

    def step(self, kind: str) -> Step | None:
        if kind == "create_table":
            return self.create_table()
        if kind == "create_enum":
            return self.create_enum()
        if kind == "add_enum_value":
            return self.add_enum_value()
        if kind == "validate":
            return self.validate()
        if kind == "drop_table":
            return self.drop_table()
        t = self.pick_table()
        return getattr(self, kind)(t)

    def next(self) -> Migration:
        self.number += 1
        r = self.rng
        steps: list[Step] = []
        if len(self.live()) < 3:
            steps.append(self.create_table())
        else:
            while not steps:
                kind = r.choices([k for k, _ in self.KINDS], [w for _, w in self.KINDS])[0]
                if kind == "feature":
                    for k in r.sample(["create_table", "add_column", "add_column",
                                       "create_index", "add_fk", "backfill", "set_default"],
                                      r.randrange(2, 5)):
                        s = self.step(k)
                        if s is not None:
                            steps.append(s)
                else:
                    s = self.step(kind)
                    if s is not None:
                        steps.append(s)
        m = Migration(self.number, slug(steps), steps)
        concurrent = any(s.args.get("concurrently") for s in steps)
        if not concurrent and r.random() < 0.35:
            m.lock_timeout = r.choice(["2s", "5s", "10s", "3000"])
            if r.random() < 0.3:
                m.statement_timeout = r.choice(["30s", "5min", "60000"])
        m.wrap = not concurrent and r.random() < 0.2
        if r.random() < 0.6:
            m.header = r.choice([f"Ticket {r.choice(['PLAT', 'DATA', 'CORE'])}-"
                                 f"{r.randrange(100, 9999)}: {m.slug.replace('_', ' ')}",
                                 f"{m.slug.replace('_', ' ').capitalize()}.",
                                 "Reviewed by the database team; run during low traffic."])
        return m


def singular(table: str) -> str:
    """`billing_invoices_2` -> `invoice`: the stem of a foreign key column's name."""
    words = [w for w in table.split("_")
             if w and not w.isdigit() and w not in ("v2", "archive", "legacy", "new")]
    word = words[-1] if words else "ref"
    return word[:-1] if word.endswith("s") else word


def slug(steps: list[Step]) -> str:
    s = steps[0]
    a = s.args
    kind = s.kind
    if kind == "create_table":
        text = f"create_{a['table']}"
    elif kind == "add_column":
        text = f"add_{a['column'].name}_to_{a['table']}"
    elif kind == "create_index":
        text = f"index_{a['table']}_on_{'_and_'.join(a['columns'])}"
    elif kind in ("drop_index", "create_enum", "create_view"):
        text = f"{kind.split('_')[0]}_{a['name']}"
    elif kind == "alter_type":
        text = f"widen_{a['table']}_{a['column']}"
    elif kind == "add_fk":
        text = f"reference_{a['ref']}_from_{a['table']}"
    elif kind in ("add_check", "validate"):
        text = f"{kind}_{a['name']}"
    elif kind == "rename_column":
        text = f"rename_{a['table']}_{a['old']}"
    elif kind == "rename_table":
        text = f"rename_{a['old']}"
    elif kind == "drop_column":
        text = f"drop_{a['table']}_{a['column'].name}"
    elif kind == "drop_table":
        text = f"drop_{a['table']}"
    elif kind == "add_enum_value":
        text = f"add_{a['value']}_to_{a['name']}"
    else:
        text = f"{kind}_{a['table']}"
    if len(steps) > 1:
        text += "_and_more"
    return text[:60]


# --------------------------------------------------------------------------------------------
# SQL (golang-migrate)


def sql_type(t: str) -> str:
    return t[5:] if t.startswith("enum:") else TYPES[t][0]


def sql_column(c: Column) -> str:
    s = f"{c.name} {sql_type(c.type)}"
    if not c.nullable:
        s += " NOT NULL"
    if c.default is not None:
        s += f" DEFAULT {c.default}"
    return s


def render_sql(m: Migration, rng: random.Random) -> tuple[str, str]:
    up: list[str] = []
    down: list[str] = []
    if m.header:
        up.append(f"-- {m.header}")
    if m.wrap:
        up.append("BEGIN;")
    if m.lock_timeout:
        lt = m.lock_timeout if m.lock_timeout.isdigit() else f"'{m.lock_timeout}'"
        up.append(f"SET lock_timeout = {lt};")
        if m.statement_timeout:
            st = m.statement_timeout
            up.append(f"SET statement_timeout = {st if st.isdigit() else repr(st)};")
    if m.wrap or m.lock_timeout:
        up.append("")
    for i, s in enumerate(m.steps):
        u, d = sql_step(s, rng)
        if i > 0:
            up.append("")
        up.append(u)
        down.insert(0, d)
    if m.wrap:
        up.append("")
        up.append("COMMIT;")
    wrap_down = m.wrap and rng.random() < 0.5
    down_text = "\n\n".join(down)
    if wrap_down:
        down_text = "BEGIN;\n\n" + down_text + "\n\nCOMMIT;"
    return "\n".join(up).rstrip() + "\n", down_text.rstrip() + "\n"


def sql_step(s: Step, rng: random.Random) -> tuple[str, str]:
    a = s.args
    k = s.kind
    if k == "create_table":
        lines = []
        if a["pk"] == "identity":
            lines.append("id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
        elif a["pk"] == "bigserial":
            lines.append("id bigserial PRIMARY KEY")
        elif a["pk"] == "serial":
            lines.append("id serial PRIMARY KEY")
        else:
            lines.append("id uuid PRIMARY KEY DEFAULT gen_random_uuid()")
        fk_of = {c: (ref, od) for c, ref, od in a["fks"]}
        for c in a["columns"][1:]:
            line = sql_column(c)
            if c.name in fk_of:
                ref, od = fk_of[c.name]
                line += f" REFERENCES {ref} (id)"
                if od:
                    line += f" ON DELETE {od}"
            lines.append(line)
        for name, expr in a["checks"]:
            lines.append(f"CONSTRAINT {name} CHECK ({expr})")
        for name, cols in a["uniques"]:
            lines.append(f"CONSTRAINT {name} UNIQUE ({', '.join(cols)})")
        body = ",\n".join("    " + x for x in lines)
        ine = "IF NOT EXISTS " if rng.random() < 0.2 else ""
        out = [f"CREATE TABLE {ine}{a['table']} (\n{body}\n);"]
        for name, cols, unique in a["indexes"]:
            u = "UNIQUE " if unique else ""
            out.append(f"CREATE {u}INDEX {name} ON {a['table']} ({', '.join(cols)});")
        if a["comment"]:
            out.append(f"COMMENT ON TABLE {a['table']} IS '{a['comment']}';")
        return "\n\n".join(out), f"DROP TABLE IF EXISTS {a['table']};"
    if k == "add_column":
        c = a["column"]
        ine = "IF NOT EXISTS " if a["if_not_exists"] else ""
        up = f"ALTER TABLE {a['table']} ADD COLUMN {ine}{sql_column(c)};"
        if rng.random() < 0.3:
            up = f"-- {c.name}: {rng.choice(WORDS)} {rng.choice(WORDS)}\n" + up
        return up, f"ALTER TABLE {a['table']} DROP COLUMN IF EXISTS {c.name};"
    if k == "create_index":
        u = "UNIQUE " if a["unique"] else ""
        cc = "CONCURRENTLY " if a["concurrently"] else ""
        ine = "IF NOT EXISTS " if a["if_not_exists"] else ""
        using = f" USING {a['using']}" if a["using"] else ""
        where = f" WHERE {a['where']}" if a["where"] else ""
        up = (f"CREATE {u}INDEX {cc}{ine}{a['name']} ON {a['table']}{using} "
              f"({', '.join(a['columns'])}){where};")
        return up, f"DROP INDEX {cc}IF EXISTS {a['name']};"
    if k == "drop_index":
        cc = "CONCURRENTLY " if a["concurrently"] else ""
        return (f"DROP INDEX {cc}IF EXISTS {a['name']};",
                f"CREATE INDEX {cc}{a['name']} ON {a['table']} ({', '.join(a['columns'])});")
    if k == "alter_type":
        new = sql_type(a["new"]) if not a["widen_numeric"] else "numeric(16, 2)"
        old = sql_type(a["old"])
        using = f" USING {a['column']}::{new}" if rng.random() < 0.3 else ""
        return (f"ALTER TABLE {a['table']} ALTER COLUMN {a['column']} TYPE {new}{using};",
                f"ALTER TABLE {a['table']} ALTER COLUMN {a['column']} TYPE {old};")
    if k == "add_fk":
        t = a["table"]
        out = [f"ALTER TABLE {t} ADD COLUMN {a['column']} bigint;"]
        nv = " NOT VALID" if a["not_valid"] else ""
        out.append(f"ALTER TABLE {t}\n    ADD CONSTRAINT {a['name']} FOREIGN KEY ({a['column']})"
                   f" REFERENCES {a['ref']} (id){nv};")
        if a["validate_now"]:
            out.append(f"ALTER TABLE {t} VALIDATE CONSTRAINT {a['name']};")
        if a["index"]:
            out.append(f"CREATE INDEX {a['index_name']} ON {t} ({a['column']});")
        down = [f"ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {a['name']};",
                f"ALTER TABLE {t} DROP COLUMN IF EXISTS {a['column']};"]
        return "\n".join(out), "\n".join(down)
    if k == "add_check":
        nv = " NOT VALID" if a["not_valid"] else ""
        out = [f"ALTER TABLE {a['table']} ADD CONSTRAINT {a['name']} CHECK ({a['expr']}){nv};"]
        if a["validate_now"]:
            out.append(f"ALTER TABLE {a['table']} VALIDATE CONSTRAINT {a['name']};")
        return "\n".join(out), f"ALTER TABLE {a['table']} DROP CONSTRAINT {a['name']};"
    if k == "validate":
        return (f"ALTER TABLE {a['table']} VALIDATE CONSTRAINT {a['name']};",
                "-- Validation has nothing to undo.")
    if k == "rename_column":
        return (f"ALTER TABLE {a['table']} RENAME COLUMN {a['old']} TO {a['new']};",
                f"ALTER TABLE {a['table']} RENAME COLUMN {a['new']} TO {a['old']};")
    if k == "rename_table":
        return (f"ALTER TABLE {a['old']} RENAME TO {a['new']};",
                f"ALTER TABLE {a['new']} RENAME TO {a['old']};")
    if k == "drop_column":
        c = a["column"]
        return (f"ALTER TABLE {a['table']} DROP COLUMN {c.name};",
                f"ALTER TABLE {a['table']} ADD COLUMN {c.name} {sql_type(c.type)};")
    if k == "drop_table":
        cols = ",\n".join("    " + sql_column(c) for c in a["columns"])
        return (f"DROP TABLE {a['table']};", f"CREATE TABLE {a['table']} (\n{cols}\n);")
    if k == "backfill":
        t, c, e = a["table"], a["column"], a["expr"]
        if a["style"] == "plain":
            up = f"UPDATE {t} SET {c} = {e} WHERE {c} IS NULL;"
        elif a["style"] == "loop":
            up = (f"DO $$\nDECLARE\n    affected integer;\nBEGIN\n    LOOP\n"
                  f"        UPDATE {t} SET {c} = {e}\n"
                  f"        WHERE id IN (SELECT id FROM {t} WHERE {c} IS NULL "
                  f"LIMIT {a['batch']});\n"
                  f"        GET DIAGNOSTICS affected = ROW_COUNT;\n"
                  f"        EXIT WHEN affected = 0;\n    END LOOP;\nEND\n$$;")
        else:
            parts = [f"-- Backfill {t}.{c} in ranges of {a['batch']} ids."]
            for i in range(rng.randrange(3, 12)):
                lo = i * a["batch"] + 1
                parts.append(f"UPDATE {t} SET {c} = {e} WHERE id BETWEEN {lo} AND "
                             f"{lo + a['batch'] - 1} AND {c} IS NULL;")
            up = "\n".join(parts)
        return up, "-- Data backfill: nothing to undo."
    if k == "seed":
        cols = ", ".join(a["columns"])
        rows = ",\n".join("    (" + ", ".join(r) + ")" for r in a["rows"])
        oc = "\nON CONFLICT DO NOTHING" if a["on_conflict"] else ""
        first = a["columns"][0]
        return (f"INSERT INTO {a['table']} ({cols}) VALUES\n{rows}{oc};",
                f"DELETE FROM {a['table']} WHERE {first} IN "
                f"({', '.join(r[0] for r in a['rows'][:20])});")
    if k == "trigger":
        out = []
        if a["create_func"]:
            out.append(f"CREATE OR REPLACE FUNCTION {a['func']}() RETURNS trigger\n"
                       f"LANGUAGE plpgsql AS $$\nBEGIN\n    NEW.updated_at = now();\n"
                       f"    RETURN NEW;\nEND;\n$$;")
        out.append(f"CREATE TRIGGER {a['name']}\n    BEFORE UPDATE ON {a['table']}\n"
                   f"    FOR EACH ROW EXECUTE FUNCTION {a['func']}();")
        down = f"DROP TRIGGER IF EXISTS {a['name']} ON {a['table']};"
        if a["create_func"]:
            down += f"\nDROP FUNCTION IF EXISTS {a['func']}() CASCADE;"
        return "\n\n".join(out), down
    if k == "set_not_null":
        t, c = a["table"], a["column"]
        if a["safe"]:
            up = (f"ALTER TABLE {t} ADD CONSTRAINT {a['check']} CHECK ({c} IS NOT NULL) "
                  f"NOT VALID;\nALTER TABLE {t} VALIDATE CONSTRAINT {a['check']};\n"
                  f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;\n"
                  f"ALTER TABLE {t} DROP CONSTRAINT {a['check']};")
        else:
            up = f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;"
        return up, f"ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL;"
    if k == "drop_not_null":
        return (f"ALTER TABLE {a['table']} ALTER COLUMN {a['column']} DROP NOT NULL;",
                f"ALTER TABLE {a['table']} ALTER COLUMN {a['column']} SET NOT NULL;")
    if k == "set_default":
        t, c = a["table"], a["column"]
        down = (f"ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {a['old']};" if a["old"]
                else f"ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT;")
        return f"ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {a['default']};", down
    if k == "create_enum":
        vals = ", ".join(f"'{v}'" for v in a["values"])
        return f"CREATE TYPE {a['name']} AS ENUM ({vals});", f"DROP TYPE IF EXISTS {a['name']};"
    if k == "add_enum_value":
        return (f"ALTER TYPE {a['name']} ADD VALUE IF NOT EXISTS '{a['value']}';",
                "-- PostgreSQL cannot remove an enum value.")
    if k == "create_view":
        where = f"\nWHERE {a['where']}" if a["where"] else ""
        return (f"CREATE OR REPLACE VIEW {a['name']} AS\nSELECT {', '.join(a['columns'])}\n"
                f"FROM {a['table']}{where};", f"DROP VIEW IF EXISTS {a['name']};")
    raise ValueError(k)


# --------------------------------------------------------------------------------------------
# Alembic


def py_type(t: str) -> str:
    if t.startswith("enum:"):
        return f'postgresql.ENUM(name="{t[5:]}", create_type=False)'
    return TYPES[t][1]


def py_default(d: str) -> str:
    if d.startswith("'") and d.endswith("'"):
        return '"' + d[1:-1] + '"'
    return f'sa.text("{d}")'


def py_column(c: Column, extra: str = "") -> str:
    s = f'sa.Column("{c.name}", {py_type(c.type)}{extra}'
    if c.default is not None:
        s += f", server_default={py_default(c.default)}"
    s += f", nullable={c.nullable})"
    return s


def py_str(sql: str) -> str:
    """A Python string literal for SQL text (triple-quoted when it spans lines)."""
    if "\n" in sql:
        body = "\n".join(("        " + ln) if ln else "" for ln in sql.split("\n"))
        return '"""\n' + body + '\n        """'
    return '"' + sql.replace('"', '\\"') + '"'


class Alembic:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.postgresql = False

    def render(self, m: Migration, rev: str, parent: str | None, date: str) -> str:
        self.postgresql = False
        up: list[str] = []
        down: list[str] = []
        helpers: list[str] = []
        if m.lock_timeout:
            up.append(f"op.execute(\"SET lock_timeout = '{m.lock_timeout}'\")")
        for s in m.steps:
            u, d, h = self.step(s)
            up.extend(u)
            down[0:0] = d
            helpers.extend(h)
        autogen = self.rng.random() < 0.5
        if autogen:
            up.insert(0, "# ### commands auto generated by Alembic - please adjust! ###")
            up.append("# ### end Alembic commands ###")
        if not down:
            down = ["pass"]
        message = m.header or m.slug.replace("_", " ")
        out = [f'"""{message}', "", f"Revision ID: {rev}", f"Revises: {parent or ''}",
               f"Create Date: {date}", "", '"""']
        out.append("from alembic import op")
        out.append("import sqlalchemy as sa")
        if self.postgresql:
            out.append("from sqlalchemy.dialects import postgresql")
        out += ["", "", "# revision identifiers, used by Alembic.", f'revision = "{rev}"',
                f'down_revision = "{parent}"' if parent else "down_revision = None",
                "branch_labels = None", "depends_on = None", "", ""]
        for h in helpers:
            out += [h, "", ""]
        out.append("def upgrade() -> None:")
        out += ["    " + ln if ln else "" for ln in "\n".join(up).split("\n")]
        out += ["", "", "def downgrade() -> None:"]
        out += ["    " + ln if ln else "" for ln in "\n".join(down).split("\n")]
        return "\n".join(out) + "\n"

    def type(self, t: str) -> str:
        if t.startswith("enum:") or TYPES[t][2]:
            self.postgresql = True
        return py_type(t)

    def column(self, c: Column, extra: str = "") -> str:
        self.type(c.type)
        return py_column(c, extra)

    def step(self, s: Step) -> tuple[list[str], list[str], list[str]]:
        a = s.args
        k = s.kind
        r = self.rng
        if k == "create_table":
            t = a["table"]
            lines = []
            pk = a["pk"]
            if pk == "identity":
                lines.append('sa.Column("id", sa.BigInteger(), sa.Identity(always=True), '
                             'nullable=False)')
            elif pk == "bigserial":
                lines.append('sa.Column("id", sa.BigInteger(), autoincrement=True, '
                             'nullable=False)')
            elif pk == "serial":
                lines.append('sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)')
            else:
                self.postgresql = True
                lines.append('sa.Column("id", postgresql.UUID(as_uuid=True), '
                             'server_default=sa.text("gen_random_uuid()"), nullable=False)')
            for c in a["columns"][1:]:
                lines.append(self.column(c))
            for c, ref, od in a["fks"]:
                odk = f', ondelete="{od}"' if od else ""
                lines.append(f'sa.ForeignKeyConstraint(["{c}"], ["{ref}.id"], '
                             f'name=op.f("fk_{t}_{c}_{ref}"){odk})')
            lines.append(f'sa.PrimaryKeyConstraint("id", name=op.f("pk_{t}"))')
            for name, expr in a["checks"]:
                lines.append(f'sa.CheckConstraint("{expr}", name=op.f("{name}"))')
            for name, cols in a["uniques"]:
                cs = ", ".join(f'"{c}"' for c in cols)
                lines.append(f'sa.UniqueConstraint({cs}, name=op.f("{name}"))')
            if a["comment"]:
                lines.append(f'comment="{a["comment"]}"')
            up = ["op.create_table(", f'    "{t}",'] + [f"    {x}," for x in lines] + [")"]
            down = []
            for name, cols, unique in a["indexes"]:
                cs = ", ".join(f'"{c}"' for c in cols)
                up.append(f'op.create_index(op.f("{name}"), "{t}", [{cs}], unique={unique})')
                down.insert(0, f'op.drop_index(op.f("{name}"), table_name="{t}")')
            down.append(f'op.drop_table("{t}")')
            return up, down, []
        if k == "add_column":
            t = a["table"]
            c = a["column"]
            if r.random() < 0.3:
                return ([f'with op.batch_alter_table("{t}", schema=None) as batch_op:',
                         f"    batch_op.add_column({self.column(c)})"],
                        [f'with op.batch_alter_table("{t}", schema=None) as batch_op:',
                         f'    batch_op.drop_column("{c.name}")'], [])
            return ([f'op.add_column("{t}", {self.column(c)})'],
                    [f'op.drop_column("{t}", "{c.name}")'], [])
        if k == "create_index":
            t = a["table"]
            cs = ", ".join(f'"{c}"' for c in a["columns"])
            kw = f"unique={a['unique']}"
            if a["using"]:
                kw += f', postgresql_using="{a["using"]}"'
            if a["where"]:
                kw += f', postgresql_where=sa.text("{a["where"]}")'
            if a["if_not_exists"]:
                kw += ", if_not_exists=True"
            if a["concurrently"]:
                upc = [f'op.create_index("{a["name"]}", "{t}", [{cs}], {kw}, '
                       f"postgresql_concurrently=True)"]
                downc = [f'op.drop_index("{a["name"]}", table_name="{t}", '
                         f"postgresql_concurrently=True)"]
                if r.random() < 0.85:
                    blk = "with op.get_context().autocommit_block():"
                    return ([blk, "    " + upc[0]], [blk, "    " + downc[0]], [])
                return upc, downc, []
            return ([f'op.create_index(op.f("{a["name"]}"), "{t}", [{cs}], {kw})'],
                    [f'op.drop_index(op.f("{a["name"]}"), table_name="{t}")'], [])
        if k == "drop_index":
            t = a["table"]
            cs = ", ".join(f'"{c}"' for c in a["columns"])
            if a["concurrently"]:
                blk = "with op.get_context().autocommit_block():"
                return ([blk, f'    op.drop_index("{a["name"]}", table_name="{t}", '
                              f"postgresql_concurrently=True, if_exists=True)"],
                        [blk, f'    op.create_index("{a["name"]}", "{t}", [{cs}], '
                              f"postgresql_concurrently=True)"], [])
            return ([f'op.drop_index("{a["name"]}", table_name="{t}")'],
                    [f'op.create_index("{a["name"]}", "{t}", [{cs}], unique=False)'], [])
        if k == "alter_type":
            t, c = a["table"], a["column"]
            new = self.type(a["new"]) if not a["widen_numeric"] else \
                "sa.Numeric(precision=16, scale=2)"
            old = self.type(a["old"])
            using = f', postgresql_using="{c}::{TYPES[a["new"]][0]}"' \
                if r.random() < 0.3 and not a["widen_numeric"] else ""
            return ([f'op.alter_column(\n    "{t}",\n    "{c}",\n    existing_type={old},\n'
                     f"    type_={new},\n    existing_nullable=True{using},\n)"],
                    [f'op.alter_column("{t}", "{c}", existing_type={new}, type_={old})'], [])
        if k == "add_fk":
            t = a["table"]
            nv = ", postgresql_not_valid=True" if a["not_valid"] else ""
            up = [f'op.add_column("{t}", sa.Column("{a["column"]}", sa.BigInteger(), '
                  f"nullable=True))",
                  f'op.create_foreign_key(\n    "{a["name"]}", "{t}", "{a["ref"]}", '
                  f'["{a["column"]}"], ["id"]{nv}\n)']
            if a["validate_now"]:
                up.append(f'op.execute("ALTER TABLE {t} VALIDATE CONSTRAINT {a["name"]}")')
            if a["index"]:
                up.append(f'op.create_index("{a["index_name"]}", "{t}", ["{a["column"]}"])')
            down = [f'op.drop_constraint("{a["name"]}", "{t}", type_="foreignkey")',
                    f'op.drop_column("{t}", "{a["column"]}")']
            if a["index"]:
                down.insert(0, f'op.drop_index("{a["index_name"]}", table_name="{t}")')
            return up, down, []
        if k == "add_check":
            t = a["table"]
            nv = ", postgresql_not_valid=True" if a["not_valid"] else ""
            up = [f'op.create_check_constraint("{a["name"]}", "{t}", "{a["expr"]}"{nv})']
            if a["validate_now"]:
                up.append(f'op.execute("ALTER TABLE {t} VALIDATE CONSTRAINT {a["name"]}")')
            return up, [f'op.drop_constraint("{a["name"]}", "{t}", type_="check")'], []
        if k == "validate":
            return ([f'op.execute("ALTER TABLE {a["table"]} VALIDATE CONSTRAINT {a["name"]}")'],
                    [], [])
        if k == "rename_column":
            t = a["table"]
            return ([f'op.alter_column("{t}", "{a["old"]}", new_column_name="{a["new"]}")'],
                    [f'op.alter_column("{t}", "{a["new"]}", new_column_name="{a["old"]}")'], [])
        if k == "rename_table":
            return ([f'op.rename_table("{a["old"]}", "{a["new"]}")'],
                    [f'op.rename_table("{a["new"]}", "{a["old"]}")'], [])
        if k == "drop_column":
            t, c = a["table"], a["column"]
            if r.random() < 0.3:
                return ([f'with op.batch_alter_table("{t}") as batch_op:',
                         f'    batch_op.drop_column("{c.name}")'],
                        [f'with op.batch_alter_table("{t}") as batch_op:',
                         f"    batch_op.add_column({self.column(Column(c.name, c.type))})"], [])
            return ([f'op.drop_column("{t}", "{c.name}")'],
                    [f'op.add_column("{t}", {self.column(Column(c.name, c.type))})'], [])
        if k == "drop_table":
            t = a["table"]
            cols = [f"    {self.column(c)}," for c in a["columns"]]
            return ([f'op.drop_table("{t}")'], ["op.create_table(", f'    "{t}",'] + cols + [")"],
                    [])
        if k == "backfill":
            t, c, e = a["table"], a["column"], a["expr"]
            if a["style"] == "plain":
                return [f'op.execute("UPDATE {t} SET {c} = {e} WHERE {c} IS NULL")'], [], []
            if a["style"] == "loop":
                fn = f"_backfill_{c}"
                helper = (f"def {fn}(conn) -> None:\n"
                          f"    while True:\n"
                          f"        result = conn.execute(\n"
                          f"            sa.text(\n"
                          f'                "UPDATE {t} SET {c} = {e} WHERE id IN "\n'
                          f'                "(SELECT id FROM {t} WHERE {c} IS NULL '
                          f'LIMIT {a["batch"]})"\n'
                          f"            )\n"
                          f"        )\n"
                          f"        if result.rowcount == 0:\n"
                          f"            break")
                return ["conn = op.get_bind()", f"{fn}(conn)"], [], [helper]
            up = [f"for start in range(1, {a['batch'] * r.randrange(3, 12)}, {a['batch']}):",
                  "    op.execute(",
                  f'        sa.text("UPDATE {t} SET {c} = {e} WHERE id >= :lo AND id < :hi")',
                  f"        .bindparams(lo=start, hi=start + {a['batch']})",
                  "    )"]
            return up, [], []
        if k == "seed":
            t = a["table"]
            var = singular(t) + "_table"
            cols = ", ".join(f'sa.column("{c}")' for c in a["columns"])
            rows = []
            for row in a["rows"]:
                items = ", ".join(f'"{c}": {py_value(v)}' for c, v in zip(a["columns"], row))
                rows.append(f"        {{{items}}},")
            up = [f'{var} = sa.table("{t}", {cols})', "op.bulk_insert(", f"    {var},",
                  "    ["] + rows + ["    ],", ")"]
            first = a["columns"][0]
            vals = ", ".join(r2[0] for r2 in a["rows"][:20])
            return up, [f'op.execute("DELETE FROM {t} WHERE {first} IN ({py_esc(vals)})")'], []
        if k == "trigger":
            up = []
            if a["create_func"]:
                up += ["op.execute(", "    " + py_str(
                    f"CREATE OR REPLACE FUNCTION {a['func']}() RETURNS trigger\n"
                    f"LANGUAGE plpgsql AS $$\nBEGIN\n    NEW.updated_at = now();\n"
                    f"    RETURN NEW;\nEND;\n$$"), ")"]
            up += ["op.execute(", "    " + py_str(
                f"CREATE TRIGGER {a['name']}\nBEFORE UPDATE ON {a['table']}\n"
                f"FOR EACH ROW EXECUTE FUNCTION {a['func']}()"), ")"]
            down = [f'op.execute("DROP TRIGGER IF EXISTS {a["name"]} ON {a["table"]}")']
            if a["create_func"]:
                down.append(f'op.execute("DROP FUNCTION IF EXISTS {a["func"]}() CASCADE")')
            return up, down, []
        if k == "set_not_null":
            t, c = a["table"], a["column"]
            if a["safe"]:
                return ([f'op.create_check_constraint("{a["check"]}", "{t}", "{c} IS NOT NULL", '
                         f"postgresql_not_valid=True)",
                         f'op.execute("ALTER TABLE {t} VALIDATE CONSTRAINT {a["check"]}")',
                         f'op.alter_column("{t}", "{c}", nullable=False)',
                         f'op.drop_constraint("{a["check"]}", "{t}", type_="check")'],
                        [f'op.alter_column("{t}", "{c}", nullable=True)'], [])
            return ([f'op.alter_column("{t}", "{c}", nullable=False)'],
                    [f'op.alter_column("{t}", "{c}", nullable=True)'], [])
        if k == "drop_not_null":
            t, c = a["table"], a["column"]
            return ([f'op.alter_column("{t}", "{c}", nullable=True)'],
                    [f'op.alter_column("{t}", "{c}", nullable=False)'], [])
        if k == "set_default":
            t, c = a["table"], a["column"]
            old = py_default(a["old"]) if a["old"] else "None"
            return ([f'op.alter_column("{t}", "{c}", server_default={py_default(a["default"])})'],
                    [f'op.alter_column("{t}", "{c}", server_default={old})'], [])
        if k == "create_enum":
            vals = ", ".join(f"'{v}'" for v in a["values"])
            return ([f'op.execute("CREATE TYPE {a["name"]} AS ENUM ({vals})")'],
                    [f'op.execute("DROP TYPE IF EXISTS {a["name"]}")'], [])
        if k == "add_enum_value":
            return (["with op.get_context().autocommit_block():",
                     f"    op.execute(\"ALTER TYPE {a['name']} ADD VALUE IF NOT EXISTS "
                     f"'{a['value']}'\")"], [], [])
        if k == "create_view":
            where = f"\nWHERE {a['where']}" if a["where"] else ""
            sql = (f"CREATE OR REPLACE VIEW {a['name']} AS\nSELECT {', '.join(a['columns'])}\n"
                   f"FROM {a['table']}{where}")
            return (["op.execute(", "    " + py_str(sql), ")"],
                    [f'op.execute("DROP VIEW IF EXISTS {a["name"]}")'], [])
        raise ValueError(k)


def py_esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def py_value(sql_literal: str) -> str:
    """A SQL literal of the generator as a Python literal for bulk_insert rows."""
    if sql_literal in ("true", "false"):
        return sql_literal.capitalize()
    if sql_literal.startswith("'"):
        return '"' + py_esc(sql_literal[1:-1]) + '"'
    return sql_literal


# --------------------------------------------------------------------------------------------
# Writing


def gen_digest() -> str:
    with open(__file__, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def tree_digest(root: str) -> tuple[str, int, int, int]:
    """sha256 over (relative path, bytes) of every file, sorted; file, byte and line counts."""
    h = hashlib.sha256()
    files = nbytes = lines = 0
    paths = []
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in names:
            paths.append(os.path.join(d, n))
    for p in sorted(paths):
        with open(p, "rb") as f:
            data = f.read()
        h.update(os.path.relpath(p, root).encode() + b"\0" + data + b"\0")
        files += 1
        nbytes += len(data)
        lines += data.count(b"\n")
    return h.hexdigest(), files, nbytes, lines


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def gen_sql(dest: str, n: int, seed: int) -> None:
    planner = Planner(f"{seed}-sql")
    style = random.Random(f"{seed}-sql-render")
    files = 0
    while files < n:
        m = planner.next()
        up, down = render_sql(m, style)
        base = f"{m.number:06d}_{m.slug}"
        write(os.path.join(dest, base + ".up.sql"), up)
        files += 1
        if files < n:
            write(os.path.join(dest, base + ".down.sql"), down)
            files += 1


def gen_alembic(dest: str, n: int, seed: int) -> None:
    planner = Planner(f"{seed}-alembic")
    rng = random.Random(f"{seed}-alembic-render")
    alembic = Alembic(rng)
    versions = os.path.join(dest, "migrations", "versions")
    os.makedirs(versions)
    write(os.path.join(dest, "alembic.ini"),
          "# Benchmark corpus: one chain of revisions (bench/gen_corpus.py).\n"
          "[alembic]\nscript_location = %(here)s/migrations\n"
          "sqlalchemy.url = postgresql://localhost/bench\n")
    write(os.path.join(dest, "migrations", "env.py"),
          "from alembic import context\nfrom sqlalchemy import engine_from_config, pool\n\n"
          "config = context.config\n\n\ndef run_migrations_online() -> None:\n"
          "    connectable = engine_from_config(\n"
          "        config.get_section(config.config_ini_section), prefix=\"sqlalchemy.\",\n"
          "        poolclass=pool.NullPool,\n    )\n"
          "    with connectable.connect() as connection:\n"
          "        context.configure(connection=connection, target_metadata=None)\n"
          "        with context.begin_transaction():\n"
          "            context.run_migrations()\n\n\nrun_migrations_online()\n")
    parent = None
    ids = random.Random(f"{seed}-alembic-ids")
    used: dict[str, None] = {}
    minutes = 0
    for _ in range(n):
        m = planner.next()
        rev = "%012x" % ids.getrandbits(48)
        while rev in used:
            rev = "%012x" % ids.getrandbits(48)
        used[rev] = None
        minutes += ids.randrange(20, 60 * 12)
        day, rest = divmod(minutes, 24 * 60)
        year = 2019 + day // 336
        date = (f"{year}-{(day // 28) % 12 + 1:02d}-{day % 28 + 1:02d} "
                f"{rest // 60:02d}:{rest % 60:02d}:{ids.randrange(60):02d}."
                f"{ids.randrange(1000000):06d}")
        write(os.path.join(versions, f"{rev}_{m.slug[:40]}.py"),
              alembic.render(m, rev, parent, date))
        parent = rev


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    digest = gen_digest()
    for n in [int(x) for x in args.sizes.split(",") if x]:
        for kind, gen in (("sql", gen_sql), ("alembic", gen_alembic)):
            dest = os.path.join(args.out, f"{kind}-{n}")
            stamp = dest + ".stamp"
            want = f"generator={digest} seed={args.seed} kind={kind} files={n}"
            if not args.force and os.path.isdir(dest) and os.path.exists(stamp):
                with open(stamp, encoding="utf-8") as f:
                    if f.readline().strip() == want:
                        continue
            if os.path.exists(dest):
                shutil.rmtree(dest)
            os.makedirs(dest)
            gen(dest, n, args.seed)
            sha, files, nbytes, lines = tree_digest(dest)
            write(stamp, f"{want}\nsha256={sha} files={files} bytes={nbytes} lines={lines}\n")
            print(f"gen_corpus: {dest}: {files} files, {nbytes} bytes, {lines} lines",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
