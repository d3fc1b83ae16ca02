// What the pre-commit hook relies on: files named on the command line, as pre-commit passes
// every staged file of the hook's types, and --only-migrations skipping those that are no
// migrations. The hook itself, run by the real pre-commit, is tests/packaging/precommit_test.sh.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "schemagate/engine.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

// A folder of migrations and of files that are none, removed at the end of the test.
struct Tree {
  fs::path root =
      fs::temp_directory_path() / ("schemagate-precommit-" + std::to_string(::getpid()));

  Tree() {
    fs::remove_all(root);
    write("versions/0001_users.py",
          "revision = \"0001\"\ndown_revision = None\n\n\ndef upgrade():\n"
          "    op.create_table(\"users\", sa.Column(\"email\", sa.Text))\n\n\n"
          "def downgrade():\n    op.drop_table(\"users\")\n");
    write("versions/0002_index.py",
          "revision = \"0002\"\ndown_revision = \"0001\"\n\n\ndef upgrade():\n"
          "    op.create_index(\"ix_users_email\", \"users\", [\"email\"])\n\n\n"
          "def downgrade():\n    op.drop_index(\"ix_users_email\", table_name=\"users\")\n");
    // Not migrations: a helper that isn't even Python 3, a script without an extension, notes.
    write("versions/helpers.py", "print \"helper\"\nx = (\n");
    write("manage", "#!/usr/bin/env python3\nprint(\n");
    write("notes.txt", "not SQL at all\n");
    write("sql/002_index.sql", "CREATE INDEX ix_skills_name ON skills (name);\n");
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel, std::ios::binary) << text;
  }
  [[nodiscard]] std::string path(const std::string& rel) const { return (root / rel).string(); }
};

std::vector<std::string> rules_of(const LintResult& r) {
  std::vector<std::string> ids;
  for (const Diagnostic& d : r.diagnostics)
    ids.push_back(d.rule + " " + fs::path(d.path).filename().string());
  std::sort(ids.begin(), ids.end());
  return ids;
}

int run_cli(const std::string& args, const fs::path& dir) {
  std::string cmd = "cd '" + dir.string() + "' && NO_COLOR=1 '" + SCHEMAGATE_BINARY + "' " + args +
                    " >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("precommit: a named file is linted whatever it holds, unless only_migrations") {
  Tree tree;
  std::vector<std::string> named{tree.path("versions/helpers.py"), tree.path("manage"),
                                 tree.path("notes.txt")};
  LintOptions options;
  LintResult all = lint_paths(named, options);
  CHECK(rules_of(all) == std::vector<std::string>{"syntax-error helpers.py", "syntax-error manage",
                                                  "syntax-error notes.txt"});
  CHECK(all.files == 3);

  options.only_migrations = true;
  LintResult none = lint_paths(named, options);
  CHECK(none.diagnostics.empty());
  CHECK(none.files == 0);
  CHECK(none.paths.empty());
}

TEST_CASE("precommit: only_migrations still lints the named migrations in their project") {
  Tree tree;
  LintOptions options;
  options.only_migrations = true;
  // As pre-commit passes them: the staged files, migrations or not; 0001 is replayed for
  // context, so users is an existing table in 0002.
  LintResult r =
      lint_paths({tree.path("versions/0002_index.py"), tree.path("versions/helpers.py"),
                  tree.path("manage"), tree.path("notes.txt"), tree.path("sql/002_index.sql")},
                 options);
  CHECK(r.files == 2);
  // The same findings as linting the Alembic folder and the SQL file: nothing of the files
  // that are no migrations (a syntax error, had they been linted).
  std::vector<std::string> expected = rules_of(lint_paths({tree.path("versions")}, LintOptions{}));
  for (const std::string& d : rules_of(lint_paths({tree.path("sql/002_index.sql")}, LintOptions{})))
    expected.push_back(d);
  std::sort(expected.begin(), expected.end());
  CHECK(rules_of(r) == expected);
  for (const char* finding : {"require-concurrent-index-creation 0002_index.py",
                              "require-concurrent-index-creation 002_index.sql"}) {
    INFO(finding);
    CHECK(std::count(expected.begin(), expected.end(), finding) == 1);
  }
}

TEST_CASE("precommit: lint --only-migrations on the command line") {
  Tree tree;
  CHECK(run_cli("lint --no-config versions/helpers.py manage notes.txt", tree.root) == 1);
  CHECK(run_cli("lint --no-config --only-migrations versions/helpers.py manage notes.txt",
                tree.root) == 0);
  CHECK(run_cli("lint --no-config --only-migrations versions/helpers.py versions/0002_index.py",
                tree.root) == 1);
}
