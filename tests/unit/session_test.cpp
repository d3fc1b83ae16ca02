// The lint session (what the language server runs on every change): a buffer linted in its
// project gives exactly what lint_paths gives for the saved file, and what it keeps between two
// lints follows the files on disk.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "schemagate/engine.hpp"
#include "schemagate/session.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

using schemagate::test::slurp;
using schemagate::test::TempDir;
using schemagate::test::write;

std::string describe(const Diagnostic& d) {
  return d.path + ":" + std::to_string(d.begin.line) + ":" + std::to_string(d.begin.column) + "-" +
         std::to_string(d.end.line) + ":" + std::to_string(d.end.column) + " [" + d.rule + "] " +
         d.message + " | " + d.help + " | " + d.migration.value_or("-") + " | " +
         d.suppressed.value_or("(not suppressed)");
}

std::vector<std::string> describe(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(describe(d));
  return out;
}

std::vector<std::string> rules(const LintResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics) out.push_back(d.rule);
  std::sort(out.begin(), out.end());
  return out;
}

// Downgrades are beside the point here.
LintOptions no_downgrades() {
  LintOptions o;
  o.disable = {"missing-downgrade"};
  return o;
}

std::string revision(const std::string& id, const std::string& parent, const std::string& body) {
  return "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"" + id +
         "\"\ndown_revision = " + (parent.empty() ? std::string("None") : "\"" + parent + "\"") +
         "\n\n\ndef upgrade():\n" + body + "\n\ndef downgrade():\n    pass\n";
}

}  // namespace

TEST_CASE("session: every migration of the fixtures and examples, as lint_paths lints it") {
  fs::path root(SCHEMAGATE_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const char* dir : {"tests/fixtures/projects", "examples", "tests/fixtures/alembic"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".py" || ext == ".sql")) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 50);
  LintOptions options;
  options.jobs = 2;
  // One session for all of them, in two rounds: the second reuses everything the first read.
  LintSession session(options);
  std::size_t compared = 0;
  for (int round = 0; round < 2; ++round) {
    for (const fs::path& file : files) {
      std::string path = file.generic_string();
      INFO(path << " (round " << round << ")");
      SessionResult got = session.lint(path, slurp(file));
      if (!got.migration) continue;  // a Python file that is no revision: the session skips it
      LintResult want = lint_paths({path}, options);
      CHECK(describe(got.lint.diagnostics) == describe(want.diagnostics));
      CHECK(describe(got.lint.suppressed) == describe(want.suppressed));
      CHECK(got.lint.files == want.files);
      ++compared;
    }
  }
  CHECK(compared > 100);
}

TEST_CASE("session: start_after makes history quiet, as lint_paths does") {
  fs::path root = fs::path(SCHEMAGATE_SOURCE_DIR) / "tests/fixtures/projects";
  for (const auto& [project, start_after] : std::vector<std::pair<std::string, std::string>>{
           {"linear_ok", "b2"}, {"golang_migrate", "000002"}, {"sqitch_rework", "accounts"}}) {
    LintOptions options;
    options.start_after = start_after;
    LintSession session(options);
    std::size_t quiet = 0;
    for (const auto& e : fs::recursive_directory_iterator(root / project)) {
      if (!e.is_regular_file() || e.path().extension() == ".plan") continue;
      std::string path = e.path().generic_string();
      INFO(path);
      SessionResult got = session.lint(path, slurp(e.path()));
      if (!got.migration) continue;
      LintResult want = lint_paths({path}, options);
      CHECK(describe(got.lint.diagnostics) == describe(want.diagnostics));
      if (want.diagnostics.empty()) ++quiet;
    }
    CHECK(quiet >= 2);  // the history's files
  }
}

TEST_CASE("session: the buffer's unsaved text is linted, its siblings are read from disk") {
  TempDir dir("buffer");
  fs::path versions = dir.path() / "versions";
  write(versions / "a1.py",
        revision("a1", "", "    op.create_table(\"users\", sa.Column(\"id\", sa.BigInteger()))"));
  fs::path b2 = versions / "b2.py";
  write(b2, revision("b2", "a1", "    pass"));
  LintSession session(no_downgrades());
  // The saved b2 is clean; the unsaved one indexes an existing table.
  CHECK(rules(session.lint(b2.string(), slurp(b2)).lint).empty());
  std::string edited =
      revision("b2", "a1", "    op.create_index(\"ix_users_id\", \"users\", [\"id\"])");
  std::vector<std::string> want = {"require-concurrent-index-creation", "require-lock-timeout"};
  CHECK(rules(session.lint(b2.string(), edited).lint) == want);
  CHECK_FALSE(session.stale(b2.string()));

  // A sibling changed on disk: seen by its stamp.
  write(versions / "a1.py", revision("a1", "", "    pass"));
  CHECK(session.stale(b2.string()));
  (void)session.lint(b2.string(), edited);
  CHECK_FALSE(session.stale(b2.string()));

  // A new sibling that makes a second head: found at the next lint.
  write(versions / "c3.py", revision("c3", "a1", "    pass"));
  CHECK(session.stale(b2.string()));
  std::vector<std::string> heads = rules(session.lint(b2.string(), edited).lint);
  CHECK(std::count(heads.begin(), heads.end(), "multiple-heads") == 1);
  SessionResult r = session.lint(b2.string(), edited);
  // The heads, for the editor to point to from multiple-heads.
  REQUIRE(r.revisions.size() == 2);
  CHECK(std::all_of(r.revisions.begin(), r.revisions.end(),
                    [](const RevisionSite& s) { return s.head; }));
  std::vector<std::string> heads_at;
  for (const RevisionSite& s : r.revisions) heads_at.push_back(s.id + " " + s.path);
  std::sort(heads_at.begin(), heads_at.end());
  CHECK(heads_at ==
        std::vector<std::string>{"b2 " + b2.string(), "c3 " + (versions / "c3.py").string()});
  CHECK(r.revisions[0].begin.line == 4);  // revision = "..."

  // The buffer's own header decides its place: made a child of c3, the heads are one again.
  std::string moved =
      revision("b2", "c3", "    op.create_index(\"ix_users_id\", \"users\", [\"id\"])");
  std::vector<std::string> after = rules(session.lint(b2.string(), moved).lint);
  CHECK(std::count(after.begin(), after.end(), "multiple-heads") == 0);

  // A Python file that is no revision is left alone.
  CHECK_FALSE(session.lint((versions / "helpers.py").string(), "def f():\n    pass\n").migration);
}

TEST_CASE("session: a table created by an earlier revision is existing, by the buffer new") {
  TempDir dir("replay");
  fs::path versions = dir.path() / "versions";
  write(versions / "a1.py", revision("a1", "", "    pass"));
  fs::path b2 = versions / "b2.py";
  std::string create_and_index =
      "    op.create_table(\"t\", sa.Column(\"id\", sa.BigInteger()))\n"
      "    op.create_index(\"ix_t_id\", \"t\", [\"id\"])";
  write(b2, revision("b2", "a1", create_and_index));
  LintSession session(no_downgrades());
  CHECK(rules(session.lint(b2.string(), slurp(b2)).lint).empty());
  // The table moves to the parent revision (saved), the buffer keeps only the index.
  write(versions / "a1.py",
        revision("a1", "", "    op.create_table(\"t\", sa.Column(\"id\", sa.BigInteger()))"));
  std::string index_only =
      revision("b2", "a1", "    op.create_index(\"ix_t_id\", \"t\", [\"id\"])");
  std::vector<std::string> got = rules(session.lint(b2.string(), index_only).lint);
  CHECK(std::count(got.begin(), got.end(), "require-concurrent-index-creation") == 1);
  CHECK(describe(session.lint(b2.string(), index_only).lint.diagnostics) ==
        describe([&] {
          write(b2, index_only);
          return lint_paths({b2.string()}, no_downgrades());
        }()
                     .diagnostics));
}

TEST_CASE("session: a SQL downgrade file is linted with its upgrade from disk") {
  TempDir dir("sql");
  fs::path m = dir.path() / "migrations";
  write(m / "000001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  write(m / "000001_users.down.sql", "DROP TABLE users;\n");
  write(m / "000002_index.up.sql", "CREATE INDEX CONCURRENTLY ix_users_email ON users (email);\n");
  fs::path down = m / "000002_index.down.sql";
  write(down, "DROP INDEX CONCURRENTLY ix_users_email;\n");
  LintSession session(LintOptions{});
  CHECK(rules(session.lint(down.string(), slurp(down)).lint).empty());
  // Unsaved: the downgrade also drops an index its upgrade didn't create, without CONCURRENTLY
  // (dropping the upgrade's own index undoes it, and is not reported).
  std::string edited = "DROP INDEX ix_users_email;\nDROP INDEX ix_users_legacy;\n";
  std::vector<std::string> got = rules(session.lint(down.string(), edited).lint);
  CHECK(std::count(got.begin(), got.end(), "require-concurrent-index-deletion") == 1);
  write(down, edited);
  CHECK(describe(session.lint(down.string(), edited).lint.diagnostics) ==
        describe(lint_paths({down.string()}, LintOptions{}).diagnostics));
  // A new upgrade file: the folder changed, so the session looks again.
  write(m / "000003_drop.up.sql", "DROP TABLE users;\n");
  fs::path up3 = m / "000003_drop.up.sql";
  CHECK(describe(session.lint(up3.string(), slurp(up3)).lint.diagnostics) ==
        describe(lint_paths({up3.string()}, LintOptions{}).diagnostics));
}

TEST_CASE("session: a buffer parsed again after a small change gives what a fresh parse gives") {
  // The Alembic frontend re-parses a text that differs from the last one parsed on its thread
  // in one stretch incrementally (python.cpp): the findings must be a fresh parse's, with and
  // without syntax errors.
  fs::path root(SCHEMAGATE_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const char* dir : {"tests/fixtures/alembic", "examples/alembic"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      if (e.is_regular_file() && e.path().extension() == ".py") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 20);
  LintOptions options;
  std::size_t edits = 0;
  for (const fs::path& file : files) {
    std::string text = slurp(file);
    if (text.size() < 40) continue;
    std::size_t mid = text.find('\n', text.size() / 2);
    if (mid == std::string::npos) continue;
    std::vector<std::string> edited = {
        text.substr(0, mid + 1) + "    # a comment typed here\n" + text.substr(mid + 1),
        text.substr(0, mid) + "(" + text.substr(mid),  // a syntax error
        text.substr(0, mid / 2) + text.substr(mid / 2 + 1),
        text,
    };
    for (const std::string& e : edited) {
      INFO(file.string() << " edited at " << mid);
      (void)lint_text("versions/x.py", text, options);  // the last parse on this thread
      LintResult incremental = lint_text("versions/x.py", e, options);
      LintResult fresh;
      std::thread([&] { fresh = lint_text("versions/x.py", e, options); }).join();
      CHECK(describe(incremental.diagnostics) == describe(fresh.diagnostics));
      CHECK(describe(incremental.suppressed) == describe(fresh.suppressed));
      ++edits;
    }
  }
  CHECK(edits > 80);
}
