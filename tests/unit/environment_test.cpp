// An Alembic project's env.py, read statically: the lock_timeout / statement_timeout it sets
// for every revision, transaction_per_migration and how the rules describe Alembic's
// transaction, in lint_paths and in the lint session alike.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "frontends/alembic/alembic_frontend.hpp"
#include "schemagate/engine.hpp"
#include "schemagate/session.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;
using schemagate::test::slurp;
using schemagate::test::TempDir;
using schemagate::test::write;

namespace {

RunnerEnvironment read_env(const std::string& text) {
  SourceFile file{"migrations/env.py", text};
  return alembic::read_environment(file, alembic::AlembicOptions{});
}

// "lock_timeout=5s" for each setting, in order.
std::vector<std::string> settings(const RunnerEnvironment& env) {
  std::vector<std::string> out;
  for (const SetSetting& s : env.settings) {
    out.push_back(s.name + "=" + s.value + (s.local ? " (local)" : ""));
  }
  return out;
}

const char* const kHead =
    "from alembic import context\n"
    "from sqlalchemy import engine_from_config, pool, text\n"
    "\n"
    "config = context.config\n"
    "\n";

const char* const kTail =
    "\n"
    "if context.is_offline_mode():\n"
    "    run_migrations_offline()\n"
    "else:\n"
    "    run_migrations_online()\n";

const char* const kOffline =
    "def run_migrations_offline():\n"
    "    context.configure(url=config.get_main_option(\"sqlalchemy.url\"))\n"
    "    context.execute(\"SET lock_timeout = '1s'\")\n"
    "    with context.begin_transaction():\n"
    "        context.run_migrations()\n"
    "\n";

// Alembic's generic template with `body` at the start of the `with connectable.connect()`
// block and `configure` as context.configure's extra arguments.
std::string online(const std::string& body, const std::string& configure = "") {
  return std::string(kHead) + kOffline +
         "def run_migrations_online():\n"
         "    connectable = engine_from_config(\n"
         "        config.get_section(config.config_ini_section), prefix=\"sqlalchemy.\",\n"
         "        poolclass=pool.NullPool,\n"
         "    )\n"
         "    with connectable.connect() as connection:\n" +
         body + "        context.configure(connection=connection, target_metadata=None" +
         configure +
         ")\n"
         "        with context.begin_transaction():\n"
         "            context.run_migrations()\n" +
         kTail;
}

std::string revision(const std::string& id, const std::string& parent, const std::string& up,
                     const std::string& down = "    pass\n") {
  return "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"" + id +
         "\"\ndown_revision = " + (parent.empty() ? std::string("None") : "\"" + parent + "\"") +
         "\n\n\ndef upgrade():\n" + up + "\n\ndef downgrade():\n" + down;
}

// A project: alembic.ini, migrations/env.py (unless `env` is empty), and two revisions, the
// second working on the table the first creates.
struct Project {
  TempDir dir{"envpy"};
  fs::path b2;
  explicit Project(const std::string& env, const std::string& up,
                   const std::string& down = "    pass\n") {
    write(dir.path() / "alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\n");
    if (!env.empty()) write(dir.path() / "migrations" / "env.py", env);
    write(dir.path() / "migrations" / "versions" / "a1_create.py",
          revision("a1", "",
                   "    op.create_table(\"users\", sa.Column(\"id\", sa.BigInteger(), "
                   "primary_key=True))\n",
                   "    op.drop_table(\"users\")\n"));
    b2 = dir.path() / "migrations" / "versions" / "b2_change.py";
    write(b2, revision("b2", "a1", up, down));
  }
};

LintOptions options_with(std::vector<std::string> enable = {}) {
  LintOptions o;
  for (std::string& id : enable) o.enable.insert(std::move(id));
  return o;
}

std::vector<const Diagnostic*> of(const LintResult& r, const std::string& rule) {
  std::vector<const Diagnostic*> out;
  for (const Diagnostic& d : r.diagnostics) {
    if (d.rule == rule) out.push_back(&d);
  }
  return out;
}

const char* const kAddColumn = "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n";

}  // namespace

TEST_CASE("env.py: SET on the connection or the context counts, offline mode does not") {
  SECTION("connection.execute(text(...)) before configure") {
    RunnerEnvironment env =
        read_env(online("        connection.execute(text(\"SET lock_timeout = '5s'\"))\n"
                        "        connection.execute(text(\"SET statement_timeout TO 60000\"))\n"));
    CHECK(settings(env) == std::vector<std::string>{"lock_timeout=5s", "statement_timeout=60000"});
    CHECK(env.transaction_per_migration == false);
    CHECK(env.path == "migrations/env.py");
  }
  SECTION("a plain string, exec_driver_sql, and context.execute after configure") {
    RunnerEnvironment env =
        read_env(online("        connection.exec_driver_sql(\"SET SESSION lock_timeout = 4000\")\n",
                        ")\n        context.execute(\"SET statement_timeout = '1min'\""));
    CHECK(settings(env) == std::vector<std::string>{"lock_timeout=4000", "statement_timeout=1min"});
  }
  SECTION("the offline function's SET is not what runs against the database") {
    CHECK(settings(read_env(online(""))).empty());
  }
}

TEST_CASE("env.py: transactional_ddl=False, as context.configure() passes it") {
  CHECK(read_env(online("")).transactional_ddl == true);
  CHECK(read_env(online("", ", transactional_ddl=False")).transactional_ddl == false);
  CHECK(read_env(online("", ", transactional_ddl=True")).transactional_ddl == true);
  CHECK(read_env(online("", ", **options")).transactional_ddl == std::nullopt);
  // The offline function's configure (transactional_ddl=True there) is not what runs.
  std::string env = online("", ", transactional_ddl=False");
  env.replace(
      env.find("context.configure(url=config.get_main_option(\"sqlalchemy.url\")"),
      std::string("context.configure(url=config.get_main_option(\"sqlalchemy.url\")").size(),
      "context.configure(url=config.get_main_option(\"sqlalchemy.url\"), "
      "transactional_ddl=True");
  CHECK(read_env(env).transactional_ddl == false);
}

TEST_CASE("env.py: SET LOCAL counts only in the one transaction that holds every revision") {
  const std::string inside = std::string(kHead) +
                             "def run_migrations_online():\n"
                             "    with engine_from_config({}).connect() as connection:\n"
                             "        context.configure(connection=connection{configure})\n"
                             "        with context.begin_transaction():\n"
                             "            connection.execute(text(\"SET LOCAL lock_timeout = "
                             "'5s'\"))\n"
                             "            context.run_migrations()\n"
                             "\n\nrun_migrations_online()\n";
  auto with = [&](const std::string& configure) {
    std::string s = inside;
    s.replace(s.find("{configure}"), 11, configure);
    return read_env(s);
  };
  CHECK(settings(with("")) == std::vector<std::string>{"lock_timeout=5s (local)"});
  // Each revision commits its own transaction: the SET LOCAL is gone by then.
  RunnerEnvironment per = with(", transaction_per_migration=True");
  CHECK(per.transaction_per_migration == true);
  CHECK(settings(per).empty());
  // Outside any transaction, SET LOCAL does nothing.
  CHECK(settings(read_env(online(
                     "        connection.execute(text(\"SET LOCAL lock_timeout = '5s'\"))\n")))
            .empty());
}

TEST_CASE("env.py: connect_args options of the engine count for every revision") {
  auto engine = [](const std::string& call) {
    return std::string(kHead) +
           "from sqlalchemy import create_engine\n"
           "from sqlalchemy.ext.asyncio import create_async_engine\n"
           "import sqlalchemy as sa\n\n"
           "def run_migrations_online():\n"
           "    engine = " +
           call +
           "\n"
           "    with engine.connect() as connection:\n"
           "        context.configure(connection=connection)\n"
           "        with context.begin_transaction():\n"
           "            context.run_migrations()\n"
           "\n\nrun_migrations_online()\n";
  };
  CHECK(settings(
            read_env(engine("create_engine(url, connect_args={\"options\": \"-c lock_timeout=5s -c "
                            "statement_timeout=60s\"})"))) ==
        std::vector<std::string>{"lock_timeout=5s", "statement_timeout=60s"});
  CHECK(settings(read_env(engine("sa.create_engine(url, connect_args={'options': "
                                 "'-clock_timeout=3s --statement-timeout=1min'})"))) ==
        std::vector<std::string>{"lock_timeout=3s", "statement_timeout=1min"});
  CHECK(settings(read_env(engine(
            "engine_from_config(config.get_section(config.config_ini_section), "
            "prefix=\"sqlalchemy.\", poolclass=pool.NullPool, connect_args={\"options\": \"-c "
            "lock_timeout=2s\"})"))) == std::vector<std::string>{"lock_timeout=2s"});
  // asyncpg takes server_settings.
  CHECK(settings(read_env(engine("create_async_engine(url, connect_args={\"server_settings\": "
                                 "{\"lock_timeout\": \"5s\", \"application_name\": \"m\"}})"))) ==
        std::vector<std::string>{"lock_timeout=5s", "application_name=m"});
  // A value from the settings, or a dict held in a name, is not guessed.
  CHECK(settings(read_env(engine("create_engine(url, connect_args={\"options\": "
                                 "settings.PG_OPTIONS})")))
            .empty());
  CHECK(settings(read_env(engine("create_engine(url, connect_args=CONNECT_ARGS)"))).empty());
}

TEST_CASE("env.py: what is conditional or known only at run time is not guessed") {
  SECTION("a SET under a test of unknown value does not count; a PostgreSQL test does") {
    RunnerEnvironment env = read_env(
        online("        if settings.STRICT_TIMEOUTS:\n"
               "            connection.execute(text(\"SET lock_timeout = '5s'\"))\n"
               "        if connection.dialect.name == \"postgresql\":\n"
               "            connection.execute(text(\"SET statement_timeout = '1min'\"))\n"));
    CHECK(settings(env) == std::vector<std::string>{"statement_timeout=1min"});
  }
  SECTION("a helper called under a condition, and an except handler") {
    std::string env = online(
        "        if os.environ.get(\"STRICT\"):\n"
        "            set_timeouts(connection)\n"
        "        try:\n"
        "            pass\n"
        "        except Exception:\n"
        "            connection.execute(text(\"SET statement_timeout = '1min'\"))\n");
    env.insert(env.find("def run_migrations_online"),
               "def set_timeouts(conn):\n"
               "    conn.execute(text(\"SET lock_timeout = '5s'\"))\n\n");
    CHECK(settings(read_env(env)).empty());
    // Called whatever the condition, the helper's SET counts.
    std::string always = online("        set_timeouts(connection)\n");
    always.insert(always.find("def run_migrations_online"),
                  "def set_timeouts(conn):\n"
                  "    conn.execute(text(\"SET lock_timeout = '5s'\"))\n\n");
    CHECK(settings(read_env(always)) == std::vector<std::string>{"lock_timeout=5s"});
  }
  SECTION("SQL built from settings") {
    CHECK(settings(read_env(online("        connection.execute(text(f\"SET lock_timeout = "
                                   "'{settings.LOCK_TIMEOUT}'\"))\n")))
              .empty());
  }
  SECTION("transaction_per_migration from settings, from **options, or under a condition") {
    CHECK(read_env(online("", ", transaction_per_migration=settings.PER_MIGRATION"))
              .transaction_per_migration == std::nullopt);
    CHECK(read_env(online("", ", **options")).transaction_per_migration == std::nullopt);
    CHECK(read_env(online("        if settings.X:\n"
                          "            context.configure(transaction_per_migration=True)\n"))
              .transaction_per_migration == std::nullopt);
    CHECK(read_env(online("", ", transaction_per_migration=False")).transaction_per_migration ==
          false);
  }
}

TEST_CASE("env.py: transaction_per_migration, and the connection's own transaction") {
  CHECK(read_env(online("", ", transaction_per_migration=True")).transaction_per_migration == true);
  CHECK(read_env(online("")).transaction_per_migration == false);
  // configure() inside the connection's transaction: Alembic runs every revision in it.
  std::string begun = online("", ", transaction_per_migration=True");
  begun.replace(begun.find("connectable.connect()"), 21, "connectable.begin()");
  CHECK(read_env(begun).transaction_per_migration == false);
  // SQL executed before configure() begins a transaction with SQLAlchemy 2.0, not before:
  // not known statically. Committed first, it no longer matters.
  std::string set = "        connection.execute(text(\"SET lock_timeout = '5s'\"))\n";
  CHECK(read_env(online(set, ", transaction_per_migration=True")).transaction_per_migration ==
        std::nullopt);
  CHECK(read_env(online(set + "        connection.commit()\n", ", transaction_per_migration=True"))
            .transaction_per_migration == true);
}

TEST_CASE("env.py: the async template, and a connect event listener") {
  std::string async_env = std::string(kHead) +
                          "import asyncio\n"
                          "from sqlalchemy.ext.asyncio import async_engine_from_config\n\n"
                          "def do_run_migrations(connection):\n"
                          "    connection.execute(text(\"SET lock_timeout = '5s'\"))\n"
                          "    connection.commit()\n"
                          "    context.configure(connection=connection, "
                          "transaction_per_migration=True)\n"
                          "    with context.begin_transaction():\n"
                          "        context.run_migrations()\n\n"
                          "async def run_async_migrations():\n"
                          "    connectable = async_engine_from_config(\n"
                          "        config.get_section(config.config_ini_section), "
                          "prefix=\"sqlalchemy.\")\n"
                          "    async with connectable.connect() as connection:\n"
                          "        await connection.run_sync(do_run_migrations)\n"
                          "    await connectable.dispose()\n\n"
                          "def run_migrations_online():\n"
                          "    asyncio.run(run_async_migrations())\n\n" +
                          kOffline + kTail;
  RunnerEnvironment env = read_env(async_env);
  CHECK(settings(env) == std::vector<std::string>{"lock_timeout=5s"});
  CHECK(env.transaction_per_migration == true);

  std::string listener = online("");
  listener.insert(listener.find("def run_migrations_online"),
                  "from sqlalchemy import event\n\n"
                  "@event.listens_for(Engine, \"connect\")\n"
                  "def set_timeouts(dbapi_connection, connection_record):\n"
                  "    cursor = dbapi_connection.cursor()\n"
                  "    cursor.execute(\"SET statement_timeout = '30s'\")\n"
                  "    cursor.close()\n\n");
  CHECK(settings(read_env(listener)) == std::vector<std::string>{"statement_timeout=30s"});
}

TEST_CASE("env.py: anything at all is read without a crash") {
  for (const char* text : {"", "def (", "context.configure(transaction_per_migration=)",
                           "connection.execute(", "\xff\xfe", "if x:\n  connection.execute(\n"}) {
    RunnerEnvironment env = read_env(text);
    CHECK(env.settings.empty());
  }
}

TEST_CASE("env.py: its timeouts count for every revision of the project, upgrade and downgrade") {
  // A column the upgrade didn't add: dropping bio would only undo the upgrade, which no lock
  // rule reports.
  const std::string drop = "    op.drop_column(\"users\", \"legacy\")\n";
  Project none("", kAddColumn, drop);
  LintResult without = lint_paths({none.dir.path().string()}, options_with());
  REQUIRE(of(without, "require-lock-timeout").size() == 2);  // b2's upgrade and downgrade

  Project set(online("        connection.execute(text(\"SET lock_timeout = '5s'\"))\n"), kAddColumn,
              drop);
  LintResult with = lint_paths({set.dir.path().string()}, options_with());
  CHECK(of(with, "require-lock-timeout").empty());
  // Only lock_timeout: the opt-in statement_timeout rule still asks for its own.
  LintResult st =
      lint_paths({set.dir.path().string()}, options_with({"require-statement-timeout"}));
  CHECK(of(st, "require-statement-timeout").size() == 2);

  // A revision that switches it off again is reported.
  Project off(online("        connection.execute(text(\"SET lock_timeout = '5s'\"))\n"),
              "    op.execute(\"SET lock_timeout = 0\")\n" + std::string(kAddColumn));
  CHECK(of(lint_paths({off.dir.path().string()}, options_with()), "require-lock-timeout").size() ==
        1);

  // The session (the language server) reads the same env.py.
  LintSession session(options_with());
  SessionResult got = session.lint(set.b2.string(), slurp(set.b2));
  CHECK(of(got.lint, "require-lock-timeout").empty());
  LintResult named = lint_paths({set.b2.string()}, options_with());
  CHECK(of(named, "require-lock-timeout").empty());
  // ... and again when it changes on disk.
  write(set.dir.path() / "migrations" / "env.py", online(""));
  SessionResult again = session.lint(set.b2.string(), slurp(set.b2));
  CHECK(of(again.lint, "require-lock-timeout").size() == 2);
}

TEST_CASE("env.py: a SET LOCAL there ends at a revision's autocommit block") {
  const std::string env = std::string(kHead) +
                          "def run_migrations_online():\n"
                          "    with engine_from_config({}).connect() as connection:\n"
                          "        context.configure(connection=connection)\n"
                          "        with context.begin_transaction():\n"
                          "            context.execute(\"SET LOCAL lock_timeout = '5s'\")\n"
                          "            context.run_migrations()\n"
                          "\n\nrun_migrations_online()\n";
  Project p(env,
            std::string(kAddColumn) +
                "    with op.get_context().autocommit_block():\n"
                "        op.execute(\"CREATE INDEX CONCURRENTLY ix_users_bio ON users (bio)\")\n"
                "    op.drop_column(\"users\", \"bio\")\n");
  LintResult r = lint_paths({p.dir.path().string()}, options_with());
  auto found = of(r, "require-lock-timeout");
  REQUIRE(found.size() == 1);
  CHECK(found[0]->begin.line == 12);  // the drop_column after the block, not the add_column
}

TEST_CASE("require-lock-timeout's help names the phase, env.py and its set_by_runner option") {
  Project p("", kAddColumn, "    op.drop_column(\"users\", \"legacy\")\n");
  LintResult r = lint_paths({p.dir.path().string()}, options_with());
  auto found = of(r, "require-lock-timeout");
  REQUIRE(found.size() == 2);
  // The help ends with the line the fix puts at the start of the phase's function.
  const std::string everywhere =
      ", before this statement (or set it for every revision in env.py (e.g. "
      "connect_args={\"options\": \"-c lock_timeout=5s\"} on its engine), or, when the deploy "
      "sets it, `rules.require-lock-timeout.set_by_runner: true` in .schemagate.yaml):\n"
      "op.execute(\"SET lock_timeout = '5s'\")";
  CHECK(found[0]->help == "put it at the start of upgrade()" + everywhere);
  CHECK(found[1]->help == "put it at the start of downgrade()" + everywhere);
  REQUIRE(found[0]->fix);
  REQUIRE(found[1]->fix);

  TempDir dir("envpy-sql");
  write(dir.path() / "db" / "migrations" / "20240101000000_users.sql",
        "-- migrate:up\nCREATE TABLE users (id bigint);\n\n"
        "-- migrate:down\nDROP TABLE users;\n");
  write(dir.path() / "db" / "migrations" / "20240102000000_bio.sql",
        "-- migrate:up\nALTER TABLE users ADD COLUMN bio text;\n\n"
        "-- migrate:down\nALTER TABLE users DROP COLUMN bio;\nALTER TABLE users ADD COLUMN legacy "
        "text;\n");
  write(dir.path() / "gm" / "1_users.up.sql", "CREATE TABLE users (id bigint);\n");
  write(dir.path() / "gm" / "1_users.down.sql", "DROP TABLE users;\n");
  write(dir.path() / "gm" / "2_bio.up.sql",
        "ALTER TABLE users ADD COLUMN bio text;\nALTER TABLE users ADD COLUMN x text;\n");
  // A lone statement runs outside a transaction, a second one would make the file one
  // implicit transaction block (refusing the CONCURRENTLY a fix may add): no SET added.
  write(dir.path() / "gm" / "3_idx.up.sql", "CREATE INDEX users_bio ON users (bio);\n");
  write(dir.path() / "gm" / "3_idx.down.sql", "DROP INDEX users_bio;\n");  // undoes the upgrade
  // Dropping bio only undoes the upgrade; adding legacy is the downgrade's own change.
  write(dir.path() / "gm" / "2_bio.down.sql",
        "ALTER TABLE users DROP COLUMN bio;\nALTER TABLE users ADD COLUMN legacy text;\n");
  LintResult sql = lint_paths({dir.path().string()}, options_with());
  std::vector<std::string> helps;
  for (const Diagnostic* d : of(sql, "require-lock-timeout")) {
    helps.push_back(fs::path(d->path).filename().string() + ": " +
                    d->help.substr(0, d->help.find(", before")));
  }
  std::sort(helps.begin(), helps.end());
  CHECK(helps == std::vector<std::string>{
                     "20240102000000_bio.sql: put it at the start of the `-- migrate:down` section",
                     "20240102000000_bio.sql: put it at the start of the migration",
                     "2_bio.down.sql: put it at the start of this down migration",
                     "2_bio.up.sql: put it at the start of the migration",
                     "3_idx.up.sql: put `SET lock_timeout = '5s';` at the start of the migration"});
  // The fix puts the SET before the phase's first statement, after the section's marker; safe
  // where the runner wraps the file in a transaction (dbmate), unsafe where it doesn't.
  std::vector<std::string> fixed;
  for (const Diagnostic* d : of(sql, "require-lock-timeout")) {
    if (d->path.find("3_idx") != std::string::npos) {
      CHECK_FALSE(d->fix);
      continue;
    }
    REQUIRE(d->fix);
    std::string text = schemagate::test::slurp(d->path);
    fixed.push_back(fs::path(d->path).filename().string() + " " +
                    (d->fix->applicability == Applicability::safe ? "safe" : "unsafe") + ":\n" +
                    apply_edits(text, d->fix->edits));
  }
  std::sort(fixed.begin(), fixed.end());
  CHECK(fixed == std::vector<std::string>{
                     "20240102000000_bio.sql safe:\n-- migrate:up\nALTER TABLE users ADD COLUMN "
                     "bio text;\n\n-- migrate:down\nSET lock_timeout = '5s';\nALTER TABLE users "
                     "DROP COLUMN bio;\nALTER TABLE users ADD COLUMN legacy text;\n",
                     "20240102000000_bio.sql safe:\n-- migrate:up\nSET lock_timeout = "
                     "'5s';\nALTER TABLE users ADD COLUMN bio text;\n\n-- migrate:down\nALTER "
                     "TABLE users DROP COLUMN bio;\nALTER TABLE users ADD COLUMN legacy text;\n",
                     "2_bio.down.sql safe:\nSET lock_timeout = '5s';\nALTER TABLE users DROP "
                     "COLUMN bio;\nALTER TABLE users ADD COLUMN legacy text;\n",
                     "2_bio.up.sql safe:\nSET lock_timeout = '5s';\nALTER TABLE users ADD "
                     "COLUMN bio text;\nALTER TABLE users ADD COLUMN x text;\n"});
}

TEST_CASE("messages say how Alembic's transaction spans the revisions, as env.py sets it") {
  const std::string concurrently =
      "    op.execute(\"CREATE INDEX CONCURRENTLY ix_users_id ON users (id)\")\n";
  auto message = [&](const std::string& env, const std::string& rule, const std::string& up) {
    Project p(env, up);
    LintResult r = lint_paths({p.dir.path().string()}, options_with());
    auto found = of(r, rule);
    REQUIRE(found.size() == 1);
    return found[0]->message + " | " + found[0]->help;
  };
  SECTION("ban-concurrent-index-creation-in-transaction") {
    const std::string rule = "ban-concurrent-index-creation-in-transaction";
    CHECK_THAT(message(online(""), rule, concurrently),
               Catch::StartsWith("CREATE INDEX CONCURRENTLY runs inside the one transaction "
                                 "Alembic runs all pending revisions in; PostgreSQL refuses it"));
    CHECK_THAT(message("", rule, concurrently),  // no env.py: Alembic's default
               Catch::StartsWith("CREATE INDEX CONCURRENTLY runs inside the one transaction "
                                 "Alembic runs all pending revisions in;"));
    CHECK_THAT(message(online("", ", transaction_per_migration=True"), rule, concurrently),
               Catch::StartsWith("CREATE INDEX CONCURRENTLY runs inside the transaction Alembic "
                                 "runs each revision in (transaction_per_migration=True);"));
    CHECK_THAT(message(online("", ", **options"), rule, concurrently),
               Catch::StartsWith("CREATE INDEX CONCURRENTLY runs inside the transaction Alembic "
                                 "runs this revision in;"));
  }
  SECTION("transaction-nesting") {
    const std::string commit = "    op.execute(\"COMMIT\")\n";
    CHECK_THAT(message(online(""), "transaction-nesting", commit),
               Catch::StartsWith("COMMIT inside the one transaction Alembic runs all pending "
                                 "revisions in: it ends or confuses that transaction, which holds "
                                 "the revisions run before this one too, so a failure later leaves "
                                 "the run half applied"));
    CHECK_THAT(
        message(online("", ", transaction_per_migration=True"), "transaction-nesting", commit),
        Catch::StartsWith("COMMIT inside the transaction Alembic runs each revision in "
                          "(transaction_per_migration=True): it ends or confuses that "
                          "transaction, so a failure later leaves a half-applied migration"));
    // No transaction around all pending revisions: the COMMIT releases the locks of what came
    // before it for the work after it; removing it would make that work wait.
    CHECK(message(online("", ", transactional_ddl=False"), "transaction-nesting",
                  std::string(kAddColumn) + commit) ==
          "COMMIT inside the transaction Alembic runs this revision in (env.py sets "
          "transactional_ddl=False: none around all pending revisions, one per revision in recent "
          "Alembic versions): it commits what the revision did so far behind Alembic's back, so a "
          "failure after it leaves the revision half applied and not recorded as run | to commit "
          "here (releasing the locks of what came before, for work after it such as queries on "
          "another connection), use an autocommit block instead of this COMMIT rather than "
          "removing it: it commits what is open and runs what it holds each committed on its "
          "own:\n"
          "with op.get_context().autocommit_block():\n"
          "    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))");
  }
  SECTION("mixed-schema-and-data") {
    const std::string mixed =
        std::string(kAddColumn) + "    op.execute(\"UPDATE users SET bio = ''\")\n";
    const std::string tail =
        "; Alembic runs all pending revisions in one transaction, so pass "
        "transaction_per_migration=True to context.configure() in env.py, for the locks of this "
        "revision to be released before the next one runs";
    CHECK_THAT(message(online(""), "mixed-schema-and-data", mixed), Catch::EndsWith(tail));
    CHECK_THAT(
        message(online("", ", transaction_per_migration=True"), "mixed-schema-and-data", mixed),
        Catch::EndsWith("after this one, and batch it (see unbatched-backfill)"));
  }
}

TEST_CASE("env.py: found beside versions/, or above versions/<dialect>/ without alembic.ini") {
  TempDir dir("envpy-layout");
  const std::string env = online("", ", transaction_per_migration=True");
  const std::string up =
      std::string(kAddColumn) + "    op.execute(\"UPDATE users SET bio = ''\")\n";
  write(dir.path() / "migrations" / "env.py", env);
  write(dir.path() / "migrations" / "versions" / "postgresql" / "a1.py",
        revision("a1", "",
                 "    op.create_table(\"users\", sa.Column(\"id\", sa.BigInteger(), "
                 "primary_key=True))\n",
                 "    op.drop_table(\"users\")\n"));
  write(dir.path() / "migrations" / "versions" / "postgresql" / "b2.py", revision("b2", "a1", up));
  for (const fs::path& path :
       {dir.path(), dir.path() / "migrations" / "versions" / "postgresql" / "b2.py"}) {
    INFO(path.string());
    LintResult r = lint_paths({path.string()}, options_with());
    auto found = of(r, "mixed-schema-and-data");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0]->help, Catch::EndsWith("and batch it (see unbatched-backfill)"));
  }
  // Three folders up is too far: Alembic's default is described.
  fs::rename(dir.path() / "migrations" / "env.py", dir.path() / "env.py");
  LintResult r = lint_paths({dir.path().string()}, options_with());
  auto found = of(r, "mixed-schema-and-data");
  REQUIRE(found.size() == 1);
  CHECK_THAT(found[0]->help, Catch::Contains("Alembic runs all pending revisions in one"));
}
