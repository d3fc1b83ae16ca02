// The engine's pipeline: the Alembic header pass agrees with the full parse, and linting on
// many threads gives exactly what linting on one does.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "frontends/alembic/alembic_frontend.hpp"
#include "schemagate/engine.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace schemagate;

namespace {

using schemagate::test::slurp;

fs::path source_dir() { return fs::path(SCHEMAGATE_SOURCE_DIR); }

// Every Python file of the fixtures and examples.
std::vector<fs::path> python_files() {
  std::vector<fs::path> out;
  for (const char* dir : {"tests/fixtures", "examples"}) {
    for (const auto& e : fs::recursive_directory_iterator(source_dir() / dir)) {
      if (e.is_regular_file() && e.path().extension() == ".py") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string render(const LintResult& r) {
  std::ostringstream out;
  for (const Diagnostic& d : r.diagnostics) {
    out << d.path << ":" << d.begin.line << ":" << d.begin.column << "-" << d.end.line << ":"
        << d.end.column << " " << d.rule << " " << d.message << " | " << d.help << " | "
        << d.source_line << " | " << d.migration.value_or("-") << "\n";
  }
  out << "files " << r.files << "\n";
  for (const std::string& p : r.paths) out << p << "\n";
  return out.str();
}

}  // namespace

TEST_CASE("the Alembic header pass reads what the full parse reads") {
  std::vector<fs::path> files = python_files();
  REQUIRE(files.size() > 40);
  alembic::AlembicOptions options;
  for (const fs::path& p : files) {
    SourceFile file{p.string(), slurp(p)};
    Migration full = alembic::parse_file(file, options);
    Migration head = alembic::read_revision_header(file, options);
    INFO(p.string());
    CHECK(head.id == full.id);
    CHECK(head.parents == full.parents);
    CHECK(head.revision.branch_labels == full.revision.branch_labels);
    CHECK(head.revision.depends_on == full.revision.depends_on);
    CHECK(head.revision.header_id == full.revision.header_id);
    CHECK(head.revision.header_parents == full.revision.header_parents);
    CHECK(head.revision.header_range == full.revision.header_range);
    CHECK(head.revision.revision_range == full.revision.revision_range);
    CHECK(head.revision.down_revision_range == full.revision.down_revision_range);
    CHECK(head.revision.message == full.revision.message);
    CHECK(head.upgrade.empty());
    CHECK(head.issues.empty());
  }
}

TEST_CASE("the header pass finds revision variables written after the functions") {
  SourceFile file{"late.py", R"py("""late

Revision ID: b2
Revises: a1
"""
from alembic import op
text = """
def not_a_function():
    pass
"""


def upgrade():
    op.add_column("t", sa.Column("c", sa.Text()))


def downgrade():
    op.drop_column("t", "c")


revision = "b2"
down_revision = ("a1",)
)py"};
  Migration head = alembic::read_revision_header(file, {});
  CHECK(head.id == "b2");
  CHECK(head.parents == std::vector<std::string>{"a1"});
  CHECK(head.revision.header_id == "b2");
  Migration full = alembic::parse_file(file, {});
  CHECK(head.revision.revision_range == full.revision.revision_range);
}

TEST_CASE("linting on many threads gives what linting on one gives") {
  for (const char* dir :
       {"examples", "tests/fixtures/projects", "tests/fixtures/sql", "tests/fixtures/alembic"}) {
    INFO(dir);
    LintOptions one;
    one.jobs = 1;
    LintOptions many;
    many.jobs = 4;
    std::string path = (source_dir() / dir).string();
    LintResult a = lint_paths({path}, one);
    LintResult b = lint_paths({path}, many);
    CHECK(!a.diagnostics.empty());
    CHECK(render(a) == render(b));
  }
}

TEST_CASE("a long revision chain is replayed in revision order, whatever the file names") {
  // File names run against the chain, so the order can only come from the headers; each
  // revision changes the type that the one before it set, which the finding names only
  // when replay saw that revision first.
  fs::path dir = fs::temp_directory_path() / ("schemagate-chain-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "versions");
  std::ofstream(dir / "alembic.ini") << "[alembic]\nscript_location = .\n";
  const int n = 300;
  for (int i = 0; i < n; ++i) {
    std::string parent = i == 0 ? "None" : "\"r" + std::to_string(i - 1) + "\"";
    const char* type = i % 2 == 0 ? "sa.Text()" : "sa.BigInteger()";
    std::string body = i == 0
                           ? "    op.create_table(\"t\", sa.Column(\"c\", sa.Text()))\n"
                           : std::string("    op.alter_column(\"t\", \"c\", type_=") + type + ")\n";
    std::ofstream(dir / "versions" / (std::to_string(n - i) + "_rev.py"))
        << "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"r" << i
        << "\"\ndown_revision = " << parent << "\n\n\ndef upgrade():\n"
        << body << "\n\ndef downgrade():\n    pass\n";
  }
  LintOptions options;
  options.enable = {};
  LintResult r = lint_paths({dir.string()}, options);
  LintOptions one = options;
  one.jobs = 1;
  LintResult single = lint_paths({dir.string()}, one);
  fs::remove_all(dir);
  CHECK(r.files == static_cast<std::size_t>(n));
  std::size_t known = 0;
  for (const Diagnostic& d : r.diagnostics) {
    CHECK(d.rule != "multiple-heads");
    CHECK(d.rule != "missing-parent-revision");
    if (d.rule == "changing-column-type" && d.message.find("from ") != std::string::npos) {
      ++known;
    }
  }
  CHECK(known == static_cast<std::size_t>(n - 1));
  CHECK(render(r) == render(single));
}
