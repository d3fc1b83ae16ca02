// Linting a file while it is being edited: its unsaved text, again and again, as part of its
// project on disk. What the language server (`schemagate lsp`) runs on every change.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "schemagate/engine.hpp"

namespace schemagate {

// Where a revision of the buffer's Alembic project is declared: for an editor's related
// information (the other head of multiple-heads, the other file of duplicate-revision-id).
struct RevisionSite {
  std::string id;
  std::string path;
  Position begin;  // the `revision = ...` assignment
  Position end;
  bool head = false;  // no revision names it as its down revision
};

struct SessionResult {
  // The buffer's findings, and only those: what lint_paths({path}) reports with the buffer saved.
  LintResult lint;
  // False for a Python file that is no Alembic revision (no `revision`, no `upgrade()`): an
  // editor opens all sorts of Python files, and those are left alone.
  bool migration = true;
  // Alembic: the heads of the buffer's project, and the other revisions that declare the
  // buffer's id (what its graph findings are about); empty for SQL.
  std::vector<RevisionSite> revisions;
};

// Would the engine lint this text as a migration? A Python file must look like an Alembic
// revision (assign `revision`, define `upgrade()`); any other file is SQL.
[[nodiscard]] bool looks_like_migration(std::string_view path, std::string_view text);

class LintSession {
 public:
  explicit LintSession(LintOptions options);
  LintSession(const LintSession&) = delete;
  LintSession& operator=(const LintSession&) = delete;
  ~LintSession();

  [[nodiscard]] const LintOptions& options() const;

  // Lints `text` as the content of the file `path` (saved or not, existing or not), in its
  // project: the migrations beside it on disk are replayed for context (the revision graph, new
  // or existing tables), as `lint_paths({path}, options)` replays them with the file saved.
  // Between calls, the files read and parsed are kept while they are unchanged on disk (size,
  // modification time and inode), and so is the schema replayed up to the buffer: a change to
  // the buffer re-parses the buffer alone.
  [[nodiscard]] SessionResult lint(const std::string& path, std::string text);

  // Has something the last lint of `path` read changed on disk since (a file of its project
  // added, removed or modified)? Costs one stat per file.
  [[nodiscard]] bool stale(const std::string& path);

  // Between two lints of one buffer less than `interval` apart, the project's files are not
  // stat'ed again (default 0: at every lint). An editor types faster than files change on disk;
  // stale() still looks, and a buffer found stale is checked at its next lint.
  void set_recheck_interval(std::chrono::milliseconds interval);

  // Forgets what was cached for the buffer `path` (closed in the editor).
  void forget(const std::string& path);
  // Looks for new, removed and changed files again at the next lint (files are otherwise
  // checked by their folder's modification time and their own).
  void rediscover();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace schemagate
