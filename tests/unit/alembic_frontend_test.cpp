// The Alembic frontend: revision metadata, op.* lowering, embedded SQL positions, Python
// control flow, helpers and syntax errors. The Python is parsed, never run.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>

#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/alembic/binds.hpp"
#include "schemagate/ir.hpp"

using namespace schemagate;

namespace {

struct Parsed {
  std::unique_ptr<SourceFile> file;
  Migration m;

  [[nodiscard]] std::string at(ByteRange r) const {
    LineIndex lines(file->text);
    Position p = lines.position(r.begin);
    return std::to_string(p.line) + ":" + std::to_string(p.column);
  }
  [[nodiscard]] std::string text(ByteRange r) const {
    return file->text.substr(r.begin, r.end - r.begin);
  }
  [[nodiscard]] std::vector<const FrontendIssue*> issues(std::string_view rule) const {
    std::vector<const FrontendIssue*> out;
    for (const FrontendIssue& i : m.issues) {
      if (i.rule == rule) out.push_back(&i);
    }
    return out;
  }
  template <typename T>
  [[nodiscard]] std::vector<const Operation*> ops(Phase phase = Phase::upgrade) const {
    std::vector<const Operation*> out;
    for (const Operation& op : phase == Phase::upgrade ? m.upgrade : m.downgrade) {
      if (op.is<T>()) out.push_back(&op);
    }
    return out;
  }
};

Parsed parse(std::string text, alembic::AlembicOptions options = {}) {
  Parsed p;
  p.file = std::make_unique<SourceFile>(SourceFile{"versions/rev.py", std::move(text)});
  p.m = alembic::parse_file(*p.file, options);
  return p;
}

// A revision whose upgrade() is `body` (indented by the caller).
Parsed upgrade(const std::string& body, alembic::AlembicOptions options = {}) {
  return parse(
      "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import "
      "postgresql\n\nrevision = 'r1'\ndown_revision = None\n\n\ndef upgrade():\n" +
          body + "\n\ndef downgrade():\n    pass\n",
      std::move(options));
}

const ColumnDef& column(const Parsed& p, std::size_t i) {
  return p.ops<CreateTable>().at(0)->as<CreateTable>()->columns.at(i);
}

}  // namespace

TEST_CASE("alembic: revision variables and the docstring header", "[alembic]") {
  Parsed p = parse(R"py(# -*- coding: utf-8 -*-
"""merge heads

Revision ID: 9f1c2b3a4d5e
Revises: 1a2b3c4d5e6f, 6f5e4d3c2b1a
Create Date: 2024-01-01 12:00:00.000000

"""
from typing import Sequence, Union
from alembic import op

revision: str = "9f1c2b3a4d5e"
down_revision: Union[str, Sequence[str], None] = ("1a2b3c4d5e6f", "6f5e4d3c2b1a")
branch_labels = ["billing"]
depends_on = "0d0d0d0d0d0d"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
)py");
  const Migration& m = p.m;
  CHECK(m.id == "9f1c2b3a4d5e");
  CHECK(m.parents == std::vector<std::string>{"1a2b3c4d5e6f", "6f5e4d3c2b1a"});
  CHECK(m.layout == Layout::alembic);
  CHECK(m.runner_transaction == RunnerTransaction::per_migration);
  CHECK(m.revision.is_revision);
  CHECK(m.revision.branch_labels == std::vector<std::string>{"billing"});
  CHECK(m.revision.depends_on == std::vector<std::string>{"0d0d0d0d0d0d"});
  CHECK(m.revision.header_id == std::optional<std::string>("9f1c2b3a4d5e"));
  REQUIRE(m.revision.header_parents.has_value());
  CHECK(*m.revision.header_parents == std::vector<std::string>{"1a2b3c4d5e6f", "6f5e4d3c2b1a"});
  CHECK(m.revision.message == "merge heads");
  CHECK(p.text(m.revision.revision_range) == "revision: str = \"9f1c2b3a4d5e\"");
  CHECK(p.at(m.revision.down_revision_range) == "13:1");
  CHECK(p.text(m.revision.header_range).starts_with("\"\"\"merge heads"));
  CHECK(p.text(m.revision.header_range).ends_with("\"\"\""));
  CHECK(m.issues.empty());
}

TEST_CASE("alembic: down_revision as str, list, None, an empty Revises", "[alembic]") {
  auto rev = [](const std::string& down, const std::string& revises) {
    return parse("\"\"\"x\n\nRevision ID: b\nRevises:" + revises + "\n\"\"\"\nrevision = 'b'\n" +
                 "down_revision = " + down + "\ndef upgrade():\n    pass\n");
  };
  CHECK(rev("'a'", " a").m.parents == std::vector<std::string>{"a"});
  CHECK(rev("['a', 'c']", " a, c").m.parents == std::vector<std::string>{"a", "c"});
  CHECK(rev("None", "").m.parents.empty());
  CHECK(rev("('a')", " a").m.parents == std::vector<std::string>{"a"});  // not a tuple
  Parsed base = rev("None", "");
  REQUIRE(base.m.revision.header_parents.has_value());
  CHECK(base.m.revision.header_parents->empty());
  Parsed old_base = rev("None", " None");  // what older Alembic wrote for a base
  REQUIRE(old_base.m.revision.header_parents.has_value());
  CHECK(old_base.m.revision.header_parents->empty());
  CHECK(parse("revision = 'x'\n").m.revision.is_revision == false);  // no upgrade()
  CHECK(parse("def upgrade():\n    pass\n").m.id.empty());
}

TEST_CASE("alembic: looks_like_revision", "[alembic]") {
  CHECK(alembic::looks_like_revision(
      "revision = 'a'\ndown_revision = None\ndef upgrade():\n  pass\n"));
  CHECK(alembic::looks_like_revision(
      "revision: str = 'a'\r\n\r\ndef upgrade() -> None:\r\n  pass\r\n"));
  CHECK_FALSE(alembic::looks_like_revision("down_revision = 'a'\ndef upgrade():\n  pass\n"));
  CHECK_FALSE(alembic::looks_like_revision("revision = 'a'\n"));
  CHECK_FALSE(alembic::looks_like_revision("import os\n\ndef main():\n    pass\n"));
  CHECK_FALSE(alembic::looks_like_revision("revision = 'a'\ndef upgrade_helper():\n  pass\n"));
}

TEST_CASE("alembic: what the downgrade is", "[alembic]") {
  auto kind = [](const std::string& downgrade) {
    return parse("revision = 'a'\ndef upgrade():\n    op.drop_table('t')\n\n" + downgrade).m;
  };
  Migration absent = kind("");
  CHECK(absent.downgrade_kind == DowngradeKind::absent);
  // Where it should be: the `def upgrade` line.
  CHECK(absent.downgrade_range.begin == std::string("revision = 'a'\n").size());
  CHECK(absent.downgrade_range.end - absent.downgrade_range.begin ==
        std::string("def upgrade():").size());
  CHECK(kind("def downgrade():\n    pass\n").downgrade_kind == DowngradeKind::empty);
  CHECK(kind("def downgrade() -> None:\n    ...\n").downgrade_kind == DowngradeKind::empty);
  CHECK(kind("def downgrade():\n    \"\"\"Irreversible.\"\"\"\n    # nothing\n").downgrade_kind ==
        DowngradeKind::empty);
  CHECK(kind("def downgrade():\n    return\n").downgrade_kind == DowngradeKind::empty);
  CHECK(kind("def downgrade():\n    raise NotImplementedError()\n").downgrade_kind ==
        DowngradeKind::only_raises);
  CHECK(kind("def downgrade():\n    \"\"\"No.\"\"\"\n    raise Exception('no')\n").downgrade_kind ==
        DowngradeKind::only_raises);
  Migration real = kind("def downgrade():\n    op.create_table('t')\n");
  CHECK(real.downgrade_kind == DowngradeKind::real);
  CHECK(real.downgrade_range.begin ==
        std::string("revision = 'a'\ndef upgrade():\n    op.drop_table('t')\n\n").size());
  CHECK(real.downgrade.size() == 1);
}

TEST_CASE("alembic: create_table columns, keys, defaults and indexes", "[alembic]") {
  Parsed p = upgrade(R"py(    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False, index=True),
        sa.Column("created", sa.DateTime(timezone=True), server_default=sa.text("now()")),
        sa.Column("uid", postgresql.UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.Column("status", sa.Text(), server_default="new", unique=True),
        sa.Column("team_id", sa.BigInteger, sa.ForeignKey("org.teams.id"), nullable=True),
        sa.Column("seq", sa.Integer, sa.Identity(), primary_key=True),
        sa.PrimaryKeyConstraint("id"),
        sa.Index("ix_users_status", "status", unique=True),
        schema="app",
        if_not_exists=True,
    ))py");
  REQUIRE(p.ops<CreateTable>().size() == 1);
  const Operation& op = *p.ops<CreateTable>()[0];
  const auto& t = *op.as<CreateTable>();
  CHECK(t.table.schema == "app");
  CHECK(t.table.name == "users");
  CHECK(t.if_not_exists);
  CHECK(p.text(op.range).starts_with("op.create_table(\n"));
  CHECK(p.text(op.range).ends_with("    )"));
  REQUIRE(t.columns.size() == 7);
  CHECK(t.columns[0].primary_key);
  CHECK(t.columns[0].not_null);
  CHECK_FALSE(t.columns[0].serial);  // two primary key columns: no SERIAL
  CHECK(t.columns[1].type.name == "varchar");
  CHECK(t.columns[1].type.text == "varchar(255)");
  CHECK(t.columns[1].not_null);
  CHECK_FALSE(t.columns[2].not_null);  // nullable by default
  REQUIRE(t.columns[2].default_value.has_value());
  CHECK(t.columns[2].default_value->text == "now()");
  CHECK_FALSE(t.columns[2].default_value->volatile_);
  CHECK(t.columns[3].type.name == "uuid");
  CHECK(t.columns[3].default_value->volatile_);
  CHECK(t.columns[4].default_value->text == "'new'");
  CHECK(t.columns[4].unique);
  REQUIRE(t.columns[5].references.has_value());
  CHECK(t.columns[5].references->schema == "org");
  CHECK(t.columns[5].references->name == "teams");
  CHECK(t.columns[6].identity);
  CHECK(t.columns[6].not_null);
  // index=True and sa.Index(...) are CREATE INDEX statements after the table.
  auto indexes = p.ops<CreateIndex>();
  REQUIRE(indexes.size() == 2);
  CHECK(indexes[0]->as<CreateIndex>()->name == "ix_users_email");
  CHECK(indexes[0]->as<CreateIndex>()->columns == std::vector<std::string>{"email"});
  CHECK(indexes[1]->as<CreateIndex>()->name == "ix_users_status");
  CHECK(indexes[1]->as<CreateIndex>()->unique);
  CHECK(indexes[1]->range == op.range);
}

TEST_CASE("alembic: a lone integer primary key is SERIAL, as SQLAlchemy renders it", "[alembic]") {
  Parsed p =
      upgrade("    op.create_table('t', sa.Column('id', sa.BigInteger(), primary_key=True))");
  CHECK(column(p, 0).serial);
  CHECK(column(p, 0).type.name == "bigserial");
  CHECK(column(p, 0).default_value->volatile_);
  Parsed off = upgrade(
      "    op.create_table('t', sa.Column('id', sa.Integer, primary_key=True, "
      "autoincrement=False))");
  CHECK_FALSE(column(off, 0).serial);
  CHECK(column(off, 0).type.name == "int4");
}

TEST_CASE("alembic: SQLAlchemy types map to PostgreSQL names", "[alembic]") {
  std::map<std::string, std::pair<std::string, std::string>> cases = {
      {"sa.String(64)", {"varchar", "varchar(64)"}},
      {"sqlalchemy.String", {"varchar", "varchar"}},
      {"String(length=10)", {"varchar", "varchar(10)"}},
      {"sa.Unicode(20)", {"varchar", "varchar(20)"}},
      {"sa.Text", {"text", "text"}},
      {"sa.Integer()", {"int4", "integer"}},
      {"sa.BigInteger", {"int8", "bigint"}},
      {"sa.SmallInteger()", {"int2", "smallint"}},
      {"sa.Boolean()", {"bool", "boolean"}},
      {"sa.DateTime(timezone=True)", {"timestamptz", "timestamptz"}},
      {"sa.DateTime", {"timestamp", "timestamp"}},
      {"postgresql.TIMESTAMP(timezone=True)", {"timestamptz", "timestamptz"}},
      {"sa.Numeric(10, 2)", {"numeric", "numeric(10, 2)"}},
      {"sa.Numeric(precision=12, scale=4)", {"numeric", "numeric(12, 4)"}},
      {"sa.JSON()", {"json", "json"}},
      {"postgresql.JSONB(astext_type=sa.Text())", {"jsonb", "jsonb"}},
      {"JSONB", {"jsonb", "jsonb"}},
      {"sa.Uuid()", {"uuid", "uuid"}},
      {"postgresql.UUID(as_uuid=True)", {"uuid", "uuid"}},
      {"sa.CHAR(2)", {"bpchar", "char(2)"}},
      {"sa.Float()", {"float8", "double precision"}},
      {"sa.LargeBinary", {"bytea", "bytea"}},
      {"sa.Enum('a', 'b', name='mood')", {"mood", "mood"}},
      {"sa.ARRAY(sa.Integer)", {"int4", "integer[]"}},
      {"sa.String(32).with_variant(sa.Text(), 'sqlite')", {"varchar", "varchar(32)"}},
      {"MyCustomType()", {"mycustomtype", "MyCustomType"}},
  };
  for (const auto& [spelled, expected] : cases) {
    INFO(spelled);
    Parsed p = upgrade("    op.add_column('t', sa.Column('c', " + spelled + "))");
    REQUIRE(p.ops<AddColumn>().size() == 1);
    const TypeName& t = p.ops<AddColumn>()[0]->as<AddColumn>()->column.type;
    CHECK(t.name == expected.first);
    CHECK(t.text == expected.second);
  }
}

TEST_CASE("alembic: add_column with constraints, and the other table operations", "[alembic]") {
  Parsed p = upgrade(
      R"py(    op.add_column("orders", sa.Column("note", sa.Text(), nullable=False, server_default="x"), schema="s")
    op.add_column("orders", sa.Column("ref", sa.Integer(), sa.ForeignKey("refs.id", name="fk_ref"), unique=True))
    op.drop_column("orders", "legacy", if_exists=True)
    op.rename_table("orders", "purchases", schema="s")
    op.drop_table("tmp", if_exists=True))py");
  auto adds = p.ops<AddColumn>();
  REQUIRE(adds.size() == 2);
  const AddColumn& note = *adds[0]->as<AddColumn>();
  CHECK(note.table.display() == "s.orders");
  CHECK(note.column.not_null);
  CHECK(note.column.default_value->text == "'x'");
  CHECK(p.at(adds[0]->range) == "10:5");
  // Alembic adds the column, then its unique constraint and its foreign key.
  auto constraints = p.ops<AddConstraint>();
  REQUIRE(constraints.size() == 2);
  CHECK(constraints[0]->as<AddConstraint>()->kind == ConstraintKind::unique);
  CHECK(constraints[1]->as<AddConstraint>()->kind == ConstraintKind::foreign_key);
  CHECK(constraints[1]->as<AddConstraint>()->name == "fk_ref");
  CHECK(constraints[1]->as<AddConstraint>()->references->name == "refs");
  CHECK_FALSE(adds[1]->as<AddColumn>()->column.unique);
  const DropColumn& drop = *p.ops<DropColumn>().at(0)->as<DropColumn>();
  CHECK(drop.column == "legacy");
  CHECK(drop.if_exists);
  const RenameTable& rename = *p.ops<RenameTable>().at(0)->as<RenameTable>();
  CHECK(rename.table.display() == "s.orders");
  CHECK(rename.new_name == "purchases");
  CHECK(p.ops<DropTable>().at(0)->as<DropTable>()->if_exists);
}

TEST_CASE("alembic: alter_column becomes one operation per change, in Alembic's order",
          "[alembic]") {
  Parsed p = upgrade(
      R"py(    op.alter_column("t", "c", nullable=False, server_default=sa.text("clock_timestamp()"),
                    type_=sa.String(64), existing_type=sa.String(32), new_column_name="d"))py");
  REQUIRE(p.m.upgrade.size() == 4);
  CHECK(p.m.upgrade[0].is<SetNotNull>());
  REQUIRE(p.m.upgrade[1].is<SetDefault>());
  CHECK(p.m.upgrade[1].as<SetDefault>()->value->volatile_);
  REQUIRE(p.m.upgrade[2].is<AlterColumnType>());
  const AlterColumnType& type = *p.m.upgrade[2].as<AlterColumnType>();
  CHECK(type.to.text == "varchar(64)");
  REQUIRE(type.from.has_value());
  CHECK(type.from->text == "varchar(32)");
  CHECK_FALSE(type.has_using);
  CHECK(p.m.upgrade[3].as<RenameColumn>()->new_name == "d");
  for (const Operation& op : p.m.upgrade) CHECK(op.range == p.m.upgrade[0].range);

  Parsed q = upgrade(
      R"py(    op.alter_column("t", "c", type_=sa.Integer(), postgresql_using="c::integer", nullable=True)
    op.alter_column("t", "c", server_default=None)
    op.alter_column("t", "c", comment="why"))py");
  REQUIRE(q.m.upgrade.size() == 4);
  // USING goes first; a USING of the column cast to the new type converts as none does.
  CHECK_FALSE(q.m.upgrade[0].as<AlterColumnType>()->has_using);
  CHECK(q.m.upgrade[1].is<DropNotNull>());
  CHECK_FALSE(q.m.upgrade[2].as<SetDefault>()->value.has_value());  // DROP DEFAULT
  CHECK(q.m.upgrade[3].as<Other>()->statement_kind == "CommentStmt");
  Parsed u = upgrade(
      R"py(    op.alter_column("t", "c", type_=sa.Integer(), postgresql_using="length(c)", nullable=True))py");
  REQUIRE(u.m.upgrade.size() == 2);
  CHECK(u.m.upgrade[0].as<AlterColumnType>()->has_using);
}

TEST_CASE("alembic: indexes and constraints", "[alembic]") {
  Parsed p = upgrade(
      R"py(    op.create_index(op.f("ix_t_a"), "t", ["a", sa.text("lower(b)")], unique=True, postgresql_concurrently=True, if_not_exists=True)
    op.create_index("ix_t_b", table_name="t", columns="b")
    op.drop_index("ix_t_c", table_name="t", schema="s", postgresql_concurrently=True, if_exists=True)
    op.create_unique_constraint("uq_t_a", "t", ["a"])
    op.create_foreign_key("fk_t_u", "t", "users", ["user_id"], ["id"], referent_schema="auth", postgresql_not_valid=True)
    op.create_check_constraint("ck_t_a", "t", "a IS NOT NULL")
    op.create_check_constraint("ck_t_b", "t", sa.column("b") > 5)
    op.create_primary_key("pk_t", "t", ["id"])
    op.create_exclude_constraint("ex_t", "t", ("period", "&&"), using="gist")
    op.drop_constraint("fk_old", "t", type_="foreignkey"))py");
  auto indexes = p.ops<CreateIndex>();
  REQUIRE(indexes.size() == 2);
  const CreateIndex& a = *indexes[0]->as<CreateIndex>();
  CHECK(a.name == "ix_t_a");
  CHECK(a.columns == std::vector<std::string>{"a", "(expression)"});
  CHECK(a.unique);
  CHECK(a.concurrently);
  CHECK(a.if_not_exists);
  CHECK(indexes[1]->as<CreateIndex>()->table.name == "t");
  CHECK(indexes[1]->as<CreateIndex>()->columns == std::vector<std::string>{"b"});
  const DropIndex& drop = *p.ops<DropIndex>().at(0)->as<DropIndex>();
  CHECK(drop.index.display() == "s.ix_t_c");
  CHECK(drop.concurrently);
  CHECK(drop.if_exists);
  auto cs = p.ops<AddConstraint>();
  REQUIRE(cs.size() == 6);
  CHECK(cs[0]->as<AddConstraint>()->kind == ConstraintKind::unique);
  const AddConstraint& fk = *cs[1]->as<AddConstraint>();
  CHECK(fk.kind == ConstraintKind::foreign_key);
  CHECK(fk.not_valid);
  CHECK(fk.columns == std::vector<std::string>{"user_id"});
  CHECK(fk.references->display() == "auth.users");
  const AddConstraint& check = *cs[2]->as<AddConstraint>();
  CHECK(check.kind == ConstraintKind::check);
  CHECK(check.check_expression == "a IS NOT NULL");
  CHECK(check.not_null_column == std::optional<std::string>("a"));
  CHECK_FALSE(cs[3]->as<AddConstraint>()->not_null_column.has_value());
  CHECK(cs[4]->as<AddConstraint>()->kind == ConstraintKind::primary_key);
  CHECK(cs[5]->as<AddConstraint>()->kind == ConstraintKind::exclusion);
  CHECK(p.ops<DropConstraint>().at(0)->as<DropConstraint>()->name == "fk_old");
}

TEST_CASE("alembic: batch_op calls work on the batch's table", "[alembic]") {
  Parsed p = upgrade(R"py(    with op.batch_alter_table("items", schema="app") as batch_op:
        batch_op.add_column(sa.Column("x", sa.BigInteger))
        batch_op.alter_column("y", nullable=False)
        batch_op.create_index("ix_items_x", ["x"], unique=True)
        batch_op.drop_index("ix_items_old")
        batch_op.create_foreign_key("fk_items_x", "xs", ["x"], ["id"])
        batch_op.create_unique_constraint("uq_items_x", ["x"])
        batch_op.drop_constraint("ck_items", type_="check")
        batch_op.drop_column("z")
    op.drop_column("other", "w"))py");
  REQUIRE(p.m.upgrade.size() == 9);
  for (std::size_t i = 0; i < 8; ++i) {
    const QualifiedName* t = target_table(p.m.upgrade[i]);
    if (t != nullptr) CHECK(t->display() == "app.items");
  }
  CHECK(p.m.upgrade[1].as<SetNotNull>()->column == "y");
  CHECK(p.m.upgrade[2].as<CreateIndex>()->columns == std::vector<std::string>{"x"});
  CHECK(p.m.upgrade[2].as<CreateIndex>()->unique);
  CHECK(p.m.upgrade[4].as<AddConstraint>()->references->name == "xs");
  CHECK(p.m.upgrade[4].as<AddConstraint>()->columns == std::vector<std::string>{"x"});
  CHECK(p.m.upgrade[7].as<DropColumn>()->column == "z");
  CHECK(p.m.upgrade[8].as<DropColumn>()->table.display() == "other");
}

TEST_CASE("alembic: bind parameters become neutral values in the style of the call", "[alembic]") {
  using alembic::Binds;
  auto bound = [](std::string_view sql, Binds b) { return alembic::bind_values(sql, b).text; };
  // psycopg: %s and %(name)s; a tuple after IN; %% is a percent sign, in literals too.
  CHECK(bound("UPDATE t SET a = %s WHERE b = %(b)s", Binds::driver_params) ==
        "UPDATE t SET a = '%s' WHERE b = '%(b)s'");
  CHECK(bound("SELECT 1 WHERE a IN %s AND b = ANY(%s) AND c NOT IN /* x */ %(c)s",
              Binds::driver_params) ==
        "SELECT 1 WHERE a IN ('%s') AND b = ANY('%s') AND c NOT IN /* x */ ('%(c)s')");
  CHECK(bound("SELECT 'a%%', b %% 2 -- 100%%", Binds::driver) == "SELECT 'a%', b % 2 -- 100%");
  CHECK(bound("SET lock_timeout=%s", Binds::driver) == "SET lock_timeout='%s'");
  // A cursor without parameters: psycopg sends the SQL as it is.
  CHECK(bound("SELECT 'a%%', %s", Binds::raw) == "SELECT 'a%%', %s");
  // Never in literals, quoted identifiers or comments (nested ones included).
  const std::string quoted =
      "SELECT '%s', E'%(x)s', $$ %s $$, $f$ :x $f$, \"%s\", U&\"%s\", ':y' -- %s :z\n"
      "/* %s /* :w */ %s */ FROM t";
  CHECK(bound(quoted, Binds::driver_params) == quoted);
  CHECK(bound(quoted, Binds::text) == quoted);
  // Nothing after an unterminated quote: the SQL frontend reports it.
  CHECK(bound("SELECT %s, 'abc %s", Binds::driver_params) == "SELECT '%s', 'abc %s");
  // text(): :name, not casts nor slices nor `:name:`; \: is a colon everywhere; % and ? stay.
  CHECK(bound("SELECT x::int, :a, CAST(:b AS text), c[1:2], d[lo:hi], :e::int, :f$1 FROM t "
              "WHERE g IN :ids",
              Binds::text) ==
        "SELECT x::int, ':a', CAST(':b' AS text), c[1:2], d[lo:hi], :e::int, ':f$1' FROM t "
        "WHERE g IN (':ids')");
  CHECK(bound(R"(SELECT '10\:30', x\:\:int, \::y, :n\:\:int, 5 % 2, data ? 'k')", Binds::text) ==
        R"(SELECT '10:30', x::int, \::y, ':n'::int, 5 % 2, data ? 'k')");
  CHECK(bound("SELECT :it's", Binds::text) == "SELECT ':it''s");
  CHECK(bound("SELECT %(it's)s", Binds::driver) == "SELECT '%(it''s)s'");
  // qmark: with parameters and no %s, where a value goes; jsonb's ?, ?|, ?& and @? stay.
  CHECK(bound("UPDATE t SET a = ?, b=? WHERE c IN ? AND d = 'x?' AND e LIKE 'y%%'",
              Binds::driver_params) ==
        "UPDATE t SET a = '?', b='?' WHERE c IN ('?') AND d = 'x?' AND e LIKE 'y%%'");
  CHECK(bound("VALUES (?, ?)", Binds::driver_params) == "VALUES ('?', '?')");
  const std::string jsonb =
      "SELECT * FROM t WHERE data ? 'k' AND data ?| array['a'] AND data ?& array['b'] AND "
      "(data->'x') ? 'y' AND data->'x' ? 'z' AND data @? '$.a' AND value ? 'v' AND \"d\" ? 'w'";
  CHECK(bound(jsonb, Binds::driver_params) == jsonb);
  CHECK(bound("SELECT * FROM t WHERE data ? %s", Binds::driver_params) ==
        "SELECT * FROM t WHERE data ? '%s'");
  CHECK(bound("UPDATE t SET a = ?", Binds::driver) == "UPDATE t SET a = ?");  // no parameters
  CHECK(bound("UPDATE t SET a = ?", Binds::text) == "UPDATE t SET a = ?");
  // Ranges of the result map back to the original.
  sql::Expanded e = alembic::bind_values("UPDATE t SET a = %s WHERE b = 1", Binds::driver);
  CHECK(e.to_source({17, 21}) == ByteRange{17, 19});  // '%s' is %s
  CHECK(e.to_source({18, 20}) == ByteRange{17, 19});  // inside it: all of it
  CHECK(e.to_source({22, 27}) == ByteRange{20, 25});  // WHERE, after it
  CHECK(e.to_source({0, e.text.size()}) == ByteRange{0, 31});
}

TEST_CASE("alembic: findings beside bind parameters point at the SQL as written", "[alembic]") {
  Parsed p = upgrade(
      "    conn = op.get_bind()\n"
      "    conn.execute('UPDATE a SET x = %(x)s', {'x': 1})\n"
      "    conn.execute('UPDATE b SET x = %s WHER id = %s', (1, 2))\n"
      "    op.execute(sa.text('UPDATE c SET x = :x WHERE id IN :ids'))\n"
      "    op.execute('ALTER TABLE d ALTER COLUMN e SET DEFAULT :v')\n"
      "    conn.execute('UPDATE f SET n = %s WHERE p LIKE %s', ('100%%', 'x'))\n"
      "    op.execute(f'UPDATE {name} SET x = :x; DELETE FROM g WHERE id = :id')");
  auto changes = p.ops<DataChange>();
  REQUIRE(changes.size() == 4);
  CHECK(p.text(changes[0]->range) == "UPDATE a SET x = %(x)s");
  CHECK(p.at(changes[0]->range) == "11:19");
  CHECK(p.text(changes[1]->range) == "UPDATE c SET x = :x WHERE id IN :ids");
  CHECK(changes[1]->as<DataChange>()->has_where);
  CHECK(p.text(changes[2]->range) == "UPDATE f SET n = %s WHERE p LIKE %s");
  CHECK(p.text(changes[3]->range) == "DELETE FROM g WHERE id = :id");
  auto defaults = p.ops<SetDefault>();
  REQUIRE(defaults.size() == 1);
  CHECK(p.text(defaults[0]->range) == "ALTER TABLE d ALTER COLUMN e SET DEFAULT :v");
  auto errors = p.issues("syntax-error");
  REQUIRE(errors.size() == 1);
  CHECK(p.text(errors[0]->range) == "WHER");
  CHECK(p.at(errors[0]->range) == "12:39");
}

TEST_CASE("alembic: embedded SQL maps to exact positions in the .py file", "[alembic]") {
  Parsed p = upgrade(
      "    op.execute(\"\"\"\n"
      "        UPDATE a SET x = 1;\n"
      "        DELETE FROM b WHERE id = 2\n"
      "    \"\"\")\n"
      "    op.execute(\"UPDATE c SET y = 'it''s' \" \"WHERE id = 3; \"\n"
      "               'DELETE FROM d')\n"
      "    op.execute(sa.text(r\"UPDATE e SET p = '\\d' WHERE id = 4\"))\n"
      "    op.execute(\"UPDATE f SET t = E'\\\\t'\\n;\\tDELETE FROM g\")\n"
      "    op.get_bind().execute(sa.text(\"UPDATE h SET z = 0\"))\n"
      "    conn = op.get_context().connection\n"
      "    conn.execute(text('''DELETE FROM i'''))\n"
      "    bind = op.get_bind()\n"
      "    bind.exec_driver_sql('UPDATE j SET q = 1')");
  std::vector<std::string> where;
  for (const Operation& op : p.m.upgrade) {
    const auto* d = op.as<DataChange>();
    REQUIRE(d != nullptr);
    where.push_back(d->table.name + "@" + p.at(op.range));
  }
  CHECK(where == std::vector<std::string>{"a@11:9", "b@12:9", "c@14:17", "d@15:17", "e@16:26",
                                          "f@17:17", "g@17:45", "h@18:36", "i@20:26", "j@22:27"});
  CHECK(p.text(p.m.upgrade[0].range) == "UPDATE a SET x = 1");
  // The statement spans both literals of the concatenation.
  CHECK(p.text(p.m.upgrade[2].range) == "UPDATE c SET y = 'it''s' \" \"WHERE id = 3");
  CHECK(p.m.issues.empty());
}

TEST_CASE("alembic: a SQL syntax error inside a literal points into the literal", "[alembic]") {
  Parsed p = upgrade("    op.execute('''\n        UPDATE t SET\n           x = = 1''')");
  auto errors = p.issues("syntax-error");
  REQUIRE(errors.size() == 1);
  CHECK(p.at(errors[0]->range) == "12:16");
}

TEST_CASE("alembic: SQL built at run time is dynamic-sql, its literal statements are still linted",
          "[alembic]") {
  Parsed p = upgrade(R"py(    op.execute(f"UPDATE {table} SET a = 1")
    op.execute("UPDATE %s SET a = 1" % table)
    op.execute(sa.text("DELETE FROM {}".format(table)))
    op.execute("UPDATE t1 SET a = 1; DELETE FROM " + table + "; UPDATE t2 SET b = 2")
    op.execute(some_variable)
    q = "UPDATE t3 SET c = 3"
    q += " WHERE id = " + str(row_id)
    op.execute(q)
    NAME = "t4"
    op.execute("UPDATE " + NAME + " SET d = 4"))py");
  auto dynamic = p.issues("dynamic-sql");
  REQUIRE(dynamic.size() == 6);
  CHECK(dynamic[0]->message.find("f-string") != std::string::npos);
  CHECK(dynamic[1]->message.find("% formatting") != std::string::npos);
  CHECK(dynamic[2]->message.find(".format()") != std::string::npos);
  CHECK(dynamic[3]->message.find("literal statements are checked") != std::string::npos);
  CHECK(dynamic[4]->message.find("some_variable") != std::string::npos);
  CHECK(p.at(dynamic[0]->range) == "10:16");
  CHECK(p.ops<Unanalyzable>().size() == 6);
  std::vector<std::string> tables;
  for (const Operation* op : p.ops<DataChange>())
    tables.push_back(op->as<DataChange>()->table.name);
  CHECK(tables == std::vector<std::string>{"t1", "t2", "t4"});  // t4: a known constant
}

TEST_CASE("alembic: SQLAlchemy Core statements and bulk_insert are data changes", "[alembic]") {
  Parsed p = upgrade(R"py(    users = sa.table("users", sa.column("id"), schema="auth")
    op.bulk_insert(users, [{"id": 1}])
    op.execute(users.update().where(users.c.id == 1).values(id=op.inline_literal(2)))
    op.execute(users.delete())
    conn = op.get_bind()
    conn.execute(sa.insert(users).values(id=3))
    conn.execute(sa.update(sa.table("teams")).values(x=1))
    session = sa.orm.Session(bind=conn)
    session.query(Team).filter(Team.id > 5).delete())py");
  auto changes = p.ops<DataChange>();
  REQUIRE(changes.size() == 6);
  auto dc = [&](std::size_t i) { return *changes[i]->as<DataChange>(); };
  CHECK(dc(0).kind == DataChangeKind::insert);
  CHECK(dc(0).table.display() == "auth.users");
  CHECK(dc(1).kind == DataChangeKind::update);
  CHECK(dc(1).has_where);
  CHECK(dc(2).kind == DataChangeKind::delete_);
  CHECK_FALSE(dc(2).has_where);
  CHECK(dc(3).kind == DataChangeKind::insert);
  CHECK(dc(4).table.name == "teams");
  CHECK(dc(5).kind == DataChangeKind::delete_);
  CHECK(dc(5).has_where);
  CHECK(p.at(changes[1]->range) == "12:5");
}

TEST_CASE("alembic: autocommit_block and the COMMIT hack", "[alembic]") {
  Parsed p = upgrade(R"py(    op.create_index("a", "t", ["a"], postgresql_concurrently=True)
    with op.get_context().autocommit_block():
        op.create_index("b", "t", ["b"], postgresql_concurrently=True)
        op.execute("CREATE INDEX CONCURRENTLY c ON t (c)")
    with context.autocommit_block() as block:
        op.drop_index("d", postgresql_concurrently=True)
    op.execute("COMMIT"))py");
  REQUIRE(p.m.upgrade.size() == 5);
  CHECK_FALSE(p.m.upgrade[0].autocommit);
  CHECK(p.m.upgrade[1].autocommit);
  CHECK(p.m.upgrade[2].autocommit);
  CHECK(p.m.upgrade[3].autocommit);
  CHECK_FALSE(p.m.upgrade[4].autocommit);
  CHECK(p.m.upgrade[4].as<TransactionControl>()->kind == TransactionKind::commit);
}

TEST_CASE("alembic: statements in Python loops are batched, known lists are unrolled",
          "[alembic]") {
  Parsed p = upgrade(R"py(    op.execute("UPDATE t SET a = 1 WHERE b")
    while True:
        op.execute("UPDATE t SET a = 2 WHERE b")
    for table in ["x", "y"]:
        op.drop_column(table, "legacy")
        op.execute("DELETE FROM t WHERE c")
    [op.execute(s) for s in statements]
    for name in columns():
        op.drop_column("z", name))py");
  auto data = p.ops<DataChange>();
  REQUIRE(data.size() == 3);  // the loop body's DELETE once, not per iteration
  CHECK_FALSE(data[0]->in_loop);
  CHECK(data[1]->in_loop);
  CHECK(data[2]->in_loop);
  auto drops = p.ops<DropColumn>();
  REQUIRE(drops.size() == 3);
  CHECK(drops[0]->as<DropColumn>()->table.name == "x");
  CHECK(drops[1]->as<DropColumn>()->table.name == "y");
  CHECK(drops[2]->as<DropColumn>()->column.empty());  // unknown: not guessed
  CHECK(drops[2]->in_loop);
  CHECK(p.issues("dynamic-sql").size() == 1);
}

TEST_CASE("alembic: only the PostgreSQL side of dialect branches is linted", "[alembic]") {
  Parsed p = upgrade(R"py(    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.drop_table("no1")
    else:
        op.drop_table("yes1")
    if op.get_context().dialect.name != "postgresql":
        op.drop_table("no2")
    if conn.dialect.name in ("mysql", "sqlite"):
        op.drop_table("no3")
    elif conn.dialect.name == "postgresql":
        op.drop_table("yes2")
    else:
        op.drop_table("no4")
    if isinstance(conn.dialect, PGDialect):
        op.drop_table("yes3")
    if isinstance(op.get_bind().dialect, (SQLiteDialect, MySQLDialect)):
        op.drop_table("no5")
    dialect = conn.dialect.name
    is_pg = dialect == "postgresql"
    if not is_pg or has_flag():
        op.drop_table("maybe1")
    if dialect.startswith("postgres") and context.is_offline_mode():
        op.drop_table("no6")
    if context.is_offline_mode():
        op.drop_table("no7")
    else:
        op.drop_table("yes4")
    if unknown():
        op.drop_table("maybe2")
    else:
        op.drop_table("maybe3")
    if bind.dialect.name != "postgresql":
        return
    op.drop_table("yes5"))py");
  std::vector<std::string> dropped;
  for (const Operation* op : p.ops<DropTable>()) dropped.push_back(op->as<DropTable>()->table.name);
  CHECK(dropped == std::vector<std::string>{"yes1", "yes2", "yes3", "maybe1", "yes4", "maybe2",
                                            "maybe3", "yes5"});
}

TEST_CASE("alembic: dialect tests through the engine URL and engine names", "[alembic]") {
  Parsed p = upgrade(R"py(    bind = op.get_bind()
    url = str(bind.engine.url)
    if url.startswith('mysql'):
        op.execute("ALTER TABLE `t` MODIFY `c` INT")
    elif url.startswith('postgres'):
        op.drop_table("yes1")
    else:
        op.drop_table("no1")
    if url.startswith("sqlite") is False:
        op.drop_table("yes2")
    if url.startswith("postgresql") is not True:
        op.drop_table("no2")
    if "mysql" in url or "sqlite" in url:
        op.drop_table("no3")
    if "postgres" not in url:
        op.drop_table("no4")
    if url.startswith(("sqlite", "mysql")):
        op.drop_table("no5")
    if url.startswith("postgresql+psycopg2"):
        op.drop_table("maybe1")
    if bind.engine.url.drivername.startswith("postgresql"):
        op.drop_table("yes3")
    if bind.engine.url.drivername == "sqlite":
        op.drop_table("no6")
    if bind.engine.name == "sqlite" or bind.engine.dialect.name == "mysql":
        op.drop_table("no7")
    if op.get_bind().engine.name != "postgresql":
        op.drop_table("no8")
    if get_bind().dialect.name == "postgresql":
        op.drop_table("yes4")
    name = bind.engine.url.get_backend_name()
    if name == "sqlite":
        op.drop_table("no9")
    dialect = bind.dialect.name
    if dialect != "postgresql":
        op.drop_table("no10")
    cfg_url = context.config.get_main_option("sqlalchemy.url")
    if cfg_url.lower().startswith("sqlite"):
        op.drop_table("no11")
    if uses_mysql():
        op.drop_table("no12")
    if repr(bind.engine.url).startswith("mysql"):
        op.drop_table("no13")
    op.drop_table("yes5" if bind.dialect.name == "postgresql" else "no14")


def uses_mysql():
    return op.get_bind().engine.url.drivername.startswith("mysql"))py");
  std::vector<std::string> dropped;
  for (const Operation* op : p.ops<DropTable>()) dropped.push_back(op->as<DropTable>()->table.name);
  CHECK(dropped == std::vector<std::string>{"yes1", "yes2", "maybe1", "yes3", "yes4", "yes5"});
  CHECK(p.issues("syntax-error").empty());
}

TEST_CASE("alembic: values the revision computes statically name tables and fill in SQL",
          "[alembic]") {
  Parsed p = parse(R"py(from alembic import op
import sqlalchemy as sa
from app import models

revision = "r"
FLAGS = ["a", "b"]
MORE = ["c"]


def users_table():
    """The users table, for data changes."""
    return sa.table("users", *[sa.column(n, sa.Boolean) for n in FLAGS + MORE])


def upgrade():
    bind = op.get_bind()
    users = users_table()
    bind.execute(users.update().where(users.c.id == 1).values(a=True))
    logs = op.create_table("logs", sa.Column("id", sa.Integer, primary_key=True))
    op.bulk_insert(logs, [{"id": 1}])
    bind.execute(logs.delete())
    for name in FLAGS + MORE:
        op.drop_column("users", name)
    op.drop_column("users", sa.Column("d"))
    bind.execute(sa.select(users.c.id).where(users.c.a))
    bind.execute(users.select())
    for t in ["x", "y"]:
        op.execute(f"DELETE FROM {t} WHERE id = {1}")
    op.execute("DELETE FROM %s WHERE id = %d" % ("z", 2))
    op.execute("DELETE FROM {} WHERE id = {n}".format("w", n=3))
    op.execute("SELECT " + ", ".join(f"coalesce({c}, '')" for c in FLAGS) + " FROM users")
    prefix = op.get_context().opts["table_prefix"]
    op.drop_table(f"{prefix}sessions")
    models.db.session.add(models.User())
)py");
  auto changes = p.ops<DataChange>();
  std::vector<std::string> tables;
  for (const Operation* op : changes) tables.push_back(op->as<DataChange>()->table.name);
  CHECK(tables == std::vector<std::string>{"users", "logs", "logs", "x", "y", "z", "w", ""});
  std::vector<std::string> columns;
  for (const Operation* op : p.ops<DropColumn>()) columns.push_back(op->as<DropColumn>()->column);
  CHECK(columns == std::vector<std::string>{"a", "b", "c", "d"});
  auto drops = p.ops<DropTable>();
  REQUIRE(drops.size() == 1);
  CHECK(drops[0]->as<DropTable>()->table.name == "{prefix}sessions");
  CHECK(p.issues("dynamic-sql").empty());
  CHECK(p.issues("unsupported-operation").empty());
  CHECK(p.issues("syntax-error").empty());
  CHECK(p.text(changes[3]->range) == "DELETE FROM {t} WHERE id = {1}");
}

TEST_CASE("alembic: an operation reached in and out of a loop is reported once, unbatched",
          "[alembic]") {
  Parsed p = upgrade(R"py(    for i in range(10):
        backfill()
    backfill()


def backfill():
    op.execute("UPDATE users SET a = 1 WHERE a IS NULL"))py");
  auto changes = p.ops<DataChange>();
  REQUIRE(changes.size() == 1);
  CHECK_FALSE(changes[0]->in_loop);
}

TEST_CASE("alembic: functions of the revision are followed from the phase that calls them",
          "[alembic]") {
  Parsed p = parse(R"py(from alembic import op

revision = "r"


def _index(table, column="id"):
    op.create_index(f"ix_{table}_{column}", table, [column])


def _loop_a():
    _loop_b()
    op.drop_table("a")


def _loop_b():
    _loop_a()


def upgrade():
    _index("users")
    _index("teams", column="team")
    _loop_a()


def downgrade():
    _index("users")
)py");
  auto up = p.ops<CreateIndex>();
  REQUIRE(up.size() == 2);
  CHECK(up[0]->as<CreateIndex>()->table.name == "users");
  CHECK(up[0]->as<CreateIndex>()->columns == std::vector<std::string>{"id"});
  CHECK(up[1]->as<CreateIndex>()->columns == std::vector<std::string>{"team"});
  CHECK(p.at(up[0]->range) == "7:5");     // where it is written
  CHECK(p.ops<DropTable>().size() == 1);  // recursion is cut, not followed forever
  CHECK(p.ops<CreateIndex>(Phase::downgrade).size() == 1);
  CHECK(p.m.downgrade_kind == DowngradeKind::real);
}

TEST_CASE("alembic: project helpers are followed one level, reported at the call", "[alembic]") {
  std::map<std::string, std::string> files = {
      {"proj/app/migrations/utils.py", R"py(from alembic import op
import sqlalchemy as sa
from app.deeper import not_followed


def add_columns(table_name, *columns):
    to_add = []
    for col in columns:
        if has_column(table_name, col.name):
            continue
        to_add.append(col)
    with op.batch_alter_table(table_name) as batch_op:
        for col in to_add:
            batch_op.add_column(col)


def backfill(table):
    op.execute("UPDATE " + table + " SET x = 1")
    op.execute("UPDATE everything SET y = 2")
    not_followed()
)py"},
      {"proj/app/migrations/shared/__init__.py", R"py(from alembic import op


def drop(table):
    op.drop_table(table)
)py"},
  };
  alembic::AlembicOptions options;
  options.project_root = "proj";
  options.read_file = [&](const std::string& path) -> std::optional<std::string> {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
  Parsed p = parse(R"py(from alembic import op
import sqlalchemy as sa
from app.migrations.utils import add_columns, backfill
import app.migrations.shared as shared
from app.missing import helper
from sqlalchemy import text

revision = "r"


def upgrade():
    add_columns("users", sa.Column("a", sa.Integer(), nullable=False), sa.Column("b", sa.Text()))
    backfill("users")
    shared.drop("old")
    helper("x")
    text("SELECT 1")
)py",
                   options);
  auto adds = p.ops<AddColumn>();
  REQUIRE(adds.size() == 2);
  CHECK(adds[0]->as<AddColumn>()->table.name == "users");
  CHECK(adds[0]->as<AddColumn>()->column.name == "a");
  CHECK(adds[0]->as<AddColumn>()->column.not_null);
  CHECK(adds[1]->as<AddColumn>()->column.type.name == "text");
  CHECK(p.at(adds[0]->range) == "12:5");  // the call in the revision
  auto data = p.ops<DataChange>();
  REQUIRE(data.size() == 1);
  CHECK(data[0]->as<DataChange>()->table.name == "everything");
  CHECK(p.at(data[0]->range) == "13:5");
  REQUIRE(p.issues("dynamic-sql").size() == 1);
  CHECK(p.at(p.issues("dynamic-sql")[0]->range) == "13:5");
  REQUIRE(p.ops<DropTable>().size() == 1);
  CHECK(p.at(p.ops<DropTable>()[0]->range) == "14:5");
  auto unresolved = p.issues("unsupported-operation");
  REQUIRE(unresolved.size() == 1);  // helper(); not text() from sqlalchemy
  CHECK(p.at(unresolved[0]->range) == "15:5");
  CHECK(unresolved[0]->message.find("app.missing") != std::string::npos);
}

TEST_CASE("alembic: other op.* calls are unsupported-operation", "[alembic]") {
  Parsed p = upgrade("    op.create_entity(my_view)\n    op.get_bind()\n    x = op.f('name')");
  REQUIRE(p.m.upgrade.size() == 1);
  CHECK(p.m.upgrade[0].is<Unanalyzable>());
  auto issues = p.issues("unsupported-operation");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0]->message.find("op.create_entity") != std::string::npos);
  CHECK(p.at(issues[0]->range) == "10:5");
}

TEST_CASE("alembic: the multidb template's dispatch through globals()", "[alembic]") {
  Parsed p = parse(R"py(from alembic import op
revision = "r"


def upgrade(engine_name: str) -> None:
    globals()["upgrade_%s" % engine_name]()


def upgrade_engine1():
    op.drop_table("a")


def upgrade_engine2():
    op.drop_table("b")
)py");
  CHECK(p.ops<DropTable>().size() == 2);
}

TEST_CASE("alembic: Python syntax errors are reported where Python reports them", "[alembic]") {
  auto first_error = [](const std::string& text) -> std::string {
    Parsed p = parse(text);
    auto errors = p.issues("syntax-error");
    if (errors.empty()) return "none";
    return p.at(errors[0]->range) + " " + errors[0]->message;
  };
  CHECK(first_error("def upgrade():\n    x = = 1\n") == "2:9 invalid Python syntax near `=`");
  CHECK(first_error("def upgrade()\n    pass\n") == "1:14 invalid Python syntax: expected ':'");
  CHECK(first_error("def upgrade():\n    op.add_column('t', sa.Column('c')\n\ndef downgrade():\n   "
                    " pass\n") == "2:18 invalid Python syntax: '(' was never closed");
  CHECK(
      first_error("x = [1, 2)\n") ==
      "1:10 invalid Python syntax: closing parenthesis ')' does not match opening parenthesis '['");
  CHECK(first_error("x = 1)\n") == "1:6 invalid Python syntax: unmatched ')'");
  CHECK(first_error("def upgrade():\n    op.execute(\"abc)\n") ==
        "2:16 invalid Python syntax: unterminated string literal (detected at line 2)");
  CHECK(
      first_error("x = '''abc\n\n") ==
      "1:5 invalid Python syntax: unterminated triple-quoted string literal (detected at line 2)");
  CHECK(first_error("def upgrade():\n    op.x()\n      op.y()\n") ==
        "3:7 invalid Python syntax: unexpected indent");
  CHECK(first_error("def upgrade():\nop.x()\n") ==
        "2:1 invalid Python syntax: expected an indented block");
  CHECK(first_error("def f():\n    return\n  x = 1\n") ==
        "3:3 invalid Python syntax: unindent does not match any outer indentation level");
  CHECK(first_error("if x:\n\tpass\n        pass\n") ==
        "3:9 invalid Python syntax: inconsistent use of tabs and spaces in indentation");
  CHECK(first_error("print 'hello'\n").find("Missing parentheses in call to 'print'") !=
        std::string::npos);
  CHECK(first_error("x = 0777\n").starts_with("1:5 "));
  // Python 3.12 f-strings may reuse the quote; Python ignores indentation inside brackets.
  CHECK(first_error("x = f\"{a[\"b\"]} {c!r:>{w}} {{}}\"\ny = rf'\\{{x}}'\n") == "none");
  CHECK(first_error("def f():\n    (bar.\n  baz)\n    return 1\n") == "none");
}

TEST_CASE("alembic: valid modern Python never gives a syntax error", "[alembic]") {
  Parsed p = parse(R"py(from __future__ import annotations
import sys
from typing import TYPE_CHECKING
from alembic import op

revision: str = "r"
down_revision: str | None = None


def deco(f):
    return f


@deco
def upgrade() -> None:
    if (n := len(sys.argv)) > 1:
        print("args", n, file=sys.stderr)
    match n:
        case [1, *rest] if rest:
            pass
        case {"k": v}:
            pass
        case Point(x=0) | None:
            pass
        case _:
            op.drop_table("t")
    values = [*range(3), *[4]]
    mapping = {**{}, "a": 1}
    lambda *a, **k: 0
    x: list[int] = []
    y = 1_000_000j + 0x_ff + 0o17 + 0b1
    print(f"{x!r:>10} {y=}", sep="")
    try:
        pass
    except* ValueError:
        pass


async def helper(session):
    async with session.begin() as tx:
        await tx.execute("SELECT 1")
    async for row in session.stream():
        yield row


type Alias = list[int]


def generic[T](x: T) -> T:
    return x
)py");
  CHECK(p.issues("syntax-error").empty());
  CHECK(p.ops<DropTable>().size() == 1);
}

TEST_CASE("alembic: the rest of a file with a syntax error is still lowered", "[alembic]") {
  Parsed p = parse(R"py(from alembic import op
revision = "r"


def upgrade():
    op.drop_column("users", "a")
    b = = 2
    op.drop_table("old")


def downgrade():
    op.create_table("old")
)py");
  CHECK(p.issues("syntax-error").size() == 1);
  CHECK(p.ops<DropColumn>().size() == 1);
  CHECK(p.ops<DropTable>().size() == 1);
  CHECK(p.ops<CreateTable>(Phase::downgrade).size() == 1);
}

TEST_CASE("alembic: deep nesting and odd input never crash", "[alembic]") {
  std::string deep = "revision = 'r'\ndef upgrade():\n    op.execute(" + std::string(10000, '(') +
                     "'x'" + std::string(10000, ')') + ")\n";
  Parsed p = parse(deep);
  auto errors = p.issues("syntax-error");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]->message == "invalid Python syntax: too many nested parentheses");
  CHECK(p.at(errors[0]->range) == "3:215");  // the 201st bracket, as CPython says

  std::string chain = "revision = 'r'\ndef upgrade():\n    x = 1";
  for (int i = 0; i < 20000; ++i) chain += " + 1";
  chain += "\n    y = op";
  for (int i = 0; i < 20000; ++i) chain += ".a";
  chain += "\n    op.drop_table('t')\n";
  Parsed q = parse(chain);
  CHECK(q.ops<DropTable>().size() == 1);

  std::string blocks = "revision = 'r'\ndef upgrade():\n";
  for (int i = 1; i < 150; ++i)
    blocks += std::string(static_cast<std::size_t>(i) * 4, ' ') + "if x:\n";
  blocks += std::string(600, ' ') + "op.drop_table('t')\n";
  CHECK(parse(blocks).issues("syntax-error").at(0)->message ==
        "invalid Python syntax: too many levels of indentation");

  for (const char* odd : {"", "\xEF\xBB\xBF", "\"\"\"", "def", "revision =", "\x01\x02\x03",
                          "def upgrade():\n    op.execute(", "\xff\xfe", "f'{", "if x:\r\n\r\n"}) {
    CHECK_NOTHROW(parse(odd));
  }
}

TEST_CASE("alembic: CRLF files, tabs and multibyte text keep exact SQL positions", "[alembic]") {
  Parsed p = parse(
      "\"\"\"é\r\n\r\nRevision ID: r\r\n\"\"\"\r\nfrom alembic import op\r\nrevision = 'r'\r\n\r\n"
      "def upgrade():\r\n"
      "\top.execute(\"\"\"-- ünïcödé\r\n"
      "\t\tUPDATE a SET x = 'é';\r\n"
      "\t\tDELETE FROM b\"\"\")\r\n");
  REQUIRE(p.m.upgrade.size() == 2);
  CHECK(p.at(p.m.upgrade[0].range) == "10:3");
  CHECK(p.at(p.m.upgrade[1].range) == "11:3");
  CHECK(p.text(p.m.upgrade[1].range) == "DELETE FROM b");
  CHECK(p.m.revision.header_id == std::optional<std::string>("r"));
  CHECK(p.m.issues.empty());
}

TEST_CASE("alembic: ORM models name their table", "[alembic]") {
  Parsed p = parse(R"py(from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()
revision = "r"


class Slice(Base):
    __tablename__ = "slices"
    id = sa.Column(sa.Integer, primary_key=True)


def upgrade():
    bind = op.get_bind()
    session = Session(bind=bind)
    session.query(Slice).filter(Slice.id > 1).update({"x": 1})
    session.query(Slice).delete()
    bind.execute(Slice.__table__.update().values(x=2))
    session.commit()
)py");
  auto changes = p.ops<DataChange>();
  REQUIRE(changes.size() == 3);
  for (const Operation* op : changes) CHECK(op->as<DataChange>()->table.name == "slices");
  CHECK(changes[0]->as<DataChange>()->has_where);
  CHECK_FALSE(changes[1]->as<DataChange>()->has_where);
  CHECK(p.ops<TransactionControl>().empty());  // a session's commit is not the connection's
}

TEST_CASE("alembic: bind parameters in SQL are not syntax errors", "[alembic]") {
  Parsed p = upgrade(
      R"py(    op.execute(sa.text("UPDATE a SET t = CAST(:t AS text), at = '10:30' WHERE id = :id").bindparams(t="x", id=1))
    op.execute("UPDATE b SET x = 1 WHERE y = :y AND z = 'a\\:b'")
    op.get_bind().exec_driver_sql("UPDATE c SET p = %s WHERE q = %(q)s AND r LIKE 'x%%'", (1,))
    op.get_bind().connection.cursor().execute("DELETE FROM d WHERE e = %s", (2,)))py");
  CHECK(p.issues("syntax-error").empty());
  auto changes = p.ops<DataChange>();
  REQUIRE(changes.size() == 4);
  CHECK(p.text(changes[0]->range) ==
        "UPDATE a SET t = CAST(:t AS text), at = '10:30' WHERE id = :id");
  CHECK(changes[3]->as<DataChange>()->table.name == "d");
}
