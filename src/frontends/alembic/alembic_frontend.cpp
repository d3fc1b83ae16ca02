// The Alembic frontend: one revision file → a Migration, statically.
#include "frontends/alembic/alembic_frontend.hpp"

#include <exception>
#include <memory>

#include "frontends/alembic/interp.hpp"
#include "frontends/alembic/syntax.hpp"

namespace schemagate::alembic {

namespace {

// The syntax error Python would report first, if any.
std::optional<SyntaxProblem> syntax_problem(std::string_view text, const TokenizerResult& tokens,
                                            const py::Tree& tree) {
  if (tokens.tokenizer_error) return tokens.tokenizer_error;  // CPython lets these win
  std::optional<SyntaxProblem> first = tokens.indentation_error;
  auto consider = [&](std::optional<SyntaxProblem> p) {
    if (p && (!first || p->at < first->at)) first = std::move(p);
  };
  if (tree.has_error()) consider(first_tree_error(text, tree.root()));
  consider(python2_syntax(text, tree.root()));
  return first;
}

void parse(const SourceFile& file, const AlembicOptions& options, Migration& m) {
  PyFile revision;
  revision.path = file.path;
  revision.text = file.text;
  revision.revision = true;
  TokenizerResult tokens = tokenize_check(file.text);
  revision.tree = std::make_unique<py::Tree>(revision.text);
  if (revision.tree->has_error() && !tokens.tokenizer_error && tokens.joined_differs) {
    // tree-sitter-python tracks indentation inside brackets, where Python ignores it: parse
    // again with the bracketed line breaks blanked (same offsets, same strings).
    auto joined = std::make_unique<py::Tree>(tokens.bracket_joined);
    if (!joined->has_error()) revision.tree = std::move(joined);
  }
  if (auto problem = syntax_problem(file.text, tokens, *revision.tree)) {
    FrontendIssue issue;
    issue.rule = "syntax-error";
    issue.range = token_range(file.text, problem->at);
    issue.message = problem->message.starts_with("invalid Python syntax")
                        ? problem->message
                        : "invalid Python syntax: " + problem->message;
    issue.help =
        "fix the Python so that Alembic can import the revision; the rest of the file "
        "is still checked where it could be read";
    m.issues.push_back(std::move(issue));
  }
  Interp interp(m, options, revision);
  interp.load_module(revision);
  read_revision(revision, m);
  interp.run_phase("upgrade", m.upgrade);
  interp.run_phase("downgrade", m.downgrade);
}

}  // namespace

Migration parse_file(const SourceFile& file, const AlembicOptions& options) {
  Migration m;
  m.file = &file;
  m.layout = Layout::alembic;
  m.runner_transaction = RunnerTransaction::per_migration;
  try {
    parse(file, options, m);
  } catch (const std::exception& e) {
    m.issues.push_back({"internal-error",
                        {0, 0},
                        std::string("the Alembic frontend failed on this file: ") + e.what(),
                        "please report this as a bug"});
  } catch (...) {
    m.issues.push_back({"internal-error",
                        {0, 0},
                        "the Alembic frontend failed on this file",
                        "please report this as a bug"});
  }
  return m;
}

}  // namespace schemagate::alembic
