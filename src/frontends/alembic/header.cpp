// The revision header alone: what the engine needs to order a project's revisions before
// it reads them in full (ids, parents, branch labels, the docstring header).
#include <exception>
#include <memory>

#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

bool newline(char c) { return c == '\n' || c == '\r'; }

// Skips a string literal starting at the quote at `i`; returns the offset past it.
std::size_t skip_string(std::string_view t, std::size_t i) {
  char q = t[i];
  bool triple = t.substr(i, 3) == std::string(3, q);
  std::size_t at = i + (triple ? 3 : 1);
  while (at < t.size()) {
    char c = t[at];
    if (c == '\\') {
      at += 2;
    } else if (triple && t.substr(at, 3) == std::string(3, q)) {
      return at + 3;
    } else if (!triple && (c == q || newline(c))) {
      return at + 1;
    } else {
      ++at;
    }
  }
  return t.size();
}

// Where the first top-level `def`, `async def`, `class` or decorator starts: the docstring,
// imports and revision variables come before it in every revision Alembic writes.
std::size_t header_end(std::string_view t) {
  std::size_t i = 0;
  int depth = 0;
  bool line_start = true;
  while (i < t.size()) {
    char c = t[i];
    if (line_start && depth == 0) {
      std::string_view rest = t.substr(i);
      if (rest.starts_with("def ") || rest.starts_with("async def ") ||
          rest.starts_with("class ") || rest.starts_with("@")) {
        return i;
      }
    }
    line_start = false;
    if (newline(c)) {
      line_start = true;
      ++i;
    } else if (c == '#') {
      while (i < t.size() && !newline(t[i])) ++i;
    } else if (c == '\'' || c == '"') {
      i = skip_string(t, i);
    } else if (c == '\\') {
      i += 2;  // a line continuation: the next line is not a line start
    } else {
      if (c == '(' || c == '[' || c == '{') ++depth;
      if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
      ++i;
    }
  }
  return t.size();
}

void read_part(const SourceFile& file, std::string_view text, const AlembicOptions& options,
               Migration& m) {
  PyFile revision;
  revision.path = file.path;
  revision.text = text;
  revision.revision = true;
  revision.tree = std::make_unique<py::Tree>(revision.text);
  Interp interp(m, options, revision);
  interp.load_module(revision);
  read_revision(revision, m);
}

}  // namespace

Migration read_revision_header(const SourceFile& file, const AlembicOptions& options) {
  Migration m;
  m.file = &file;
  m.layout = "alembic";
  m.runner_transaction = RunnerTransaction::per_migration;
  try {
    std::string_view text = file.text;
    std::size_t end = header_end(text);
    read_part(file, text.substr(0, end), options, m);
    if (m.id.empty() && end < text.size()) {
      // Revision variables after the functions: read the whole module.
      Migration whole;
      whole.file = &file;
      whole.layout = m.layout;
      whole.runner_transaction = m.runner_transaction;
      read_part(file, text, options, whole);
      m = std::move(whole);
    }
  } catch (const std::exception&) {
    // parse_file reports the failure when the file is read in full.
  } catch (...) {
  }
  m.issues.clear();
  m.upgrade.clear();
  m.downgrade.clear();
  return m;
}

}  // namespace schemagate::alembic
