// missing-downgrade: no downgrade, or one that does nothing or only raises.
#include <filesystem>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

// Does this layout pair each migration with a downgrade that the team is expected to write?
bool expects_downgrade(const Migration& m, const LintSettings& settings) {
  switch (traits(m.layout).downgrade_expected) {
    case DowngradeExpected::always:
      return true;
    case DowngradeExpected::when_configured:
      // Flyway undo migrations are a paid feature that many teams don't use: only when
      // configured. Repeatable migrations (no version) have no undo.
      return settings.flyway_undo && !m.id.empty();
    case DowngradeExpected::never:
      // A bare SQL file, Prisma Migrate (no down migrations) and popx (down files are optional).
      break;
  }
  return false;
}

// Does the upgrade only change rows (INSERT, UPDATE, DELETE, TRUNCATE, with its settings,
// transaction control and reads), no schema? Such a change often has no inverse.
bool data_only(const Migration& m) {
  const std::string_view text = m.file != nullptr ? std::string_view(m.file->text) : "";
  bool data = false;
  for (const Operation& op : m.upgrade) {
    if (op.is<DataChange>() || op.is<Truncate>()) {
      data = true;
    } else if (!changes_nothing(op, text)) {
      return false;
    }
  }
  return data;
}

// Does the upgrade only add enum values (with its settings, transaction control and reads)?
// PostgreSQL can't drop an enum value: a rollback leaves it, and the code it returns to never
// writes it. `all_if_not_exists`: each ADD VALUE says IF NOT EXISTS, so upgrading again after
// a rollback finds the value there and goes on.
bool enum_values_only(const Migration& m, bool& all_if_not_exists) {
  const std::string_view text = m.file != nullptr ? std::string_view(m.file->text) : "";
  bool added = false;
  all_if_not_exists = true;
  for (const Operation& op : m.upgrade) {
    const auto* e = op.as<AlterEnum>();
    if (e != nullptr && !e->rename && !e->new_value.empty() && !op.in_function) {
      added = true;
      all_if_not_exists = all_if_not_exists && e->if_not_exists;
    } else if (!changes_nothing(op, text)) {
      return false;
    }
  }
  return added;
}

// The help for a data-only migration: the downgrade to write, or, when the data change truly
// can't be undone, how to accept that deliberately, with the reason, in the file's language.
// Python: an ignore above `def downgrade` (or `def upgrade`, where the finding is). SQL: the
// finding may sit on a line that is itself a comment (dbmate's `-- migrate:down`) or in an
// empty file, where no line ignore can reach it; an ignore-file of this one rule can, and the
// rule reports once per migration.
std::string data_only_help(const LayoutTraits& layout, const std::string& write) {
  std::string accept =
      layout.language == Language::python
          ? "by an ignore on the line above this finding: `# schemagate: ignore "
            "missing-downgrade -- <why it can't be undone>`"
          : "by an ignore in the file this finding is in: `-- schemagate: ignore-file "
            "missing-downgrade -- <why it can't be undone>`";
  return write +
         "; a data change that truly has no inverse can be accepted deliberately, with the "
         "reason, " +
         accept;
}

}  // namespace

static void missing_downgrade(RuleContext& ctx) {
  const Migration& m = ctx.migration();
  if (!expects_downgrade(m, ctx.settings())) return;
  // A file that doesn't parse may have lost its downgrade to the error: syntax-error says so.
  if (has_syntax_error(m)) return;
  // Nothing to undo: a merge revision (`alembic merge heads` writes `pass` both ways), a
  // migration that only marks a point in the history (lemmy's `SELECT 1` both ways).
  if (m.downgrade_kind != DowngradeKind::real &&
      (m.upgrade.empty() ||
       (m.file != nullptr && changes_nothing(m.upgrade, std::string_view(m.file->text))))) {
    return;
  }
  // Enum values added: there is nothing a downgrade could do (see enum_values_only).
  bool all_if_not_exists = false;
  const bool enum_values = m.downgrade_kind != DowngradeKind::real &&
                           m.downgrade_kind != DowngradeKind::absent &&
                           enum_values_only(m, all_if_not_exists);
  if (enum_values && all_if_not_exists) return;
  std::string what;
  switch (m.downgrade_kind) {
    case DowngradeKind::real:
      return;
    case DowngradeKind::absent:
      what = "has no downgrade";
      break;
    case DowngradeKind::empty:
      what = "has a downgrade that does nothing";
      break;
    case DowngradeKind::only_raises:
      what = "has a downgrade that only raises";
      break;
  }
  const LayoutTraits& layout = traits(m.layout);
  std::string name = m.id.empty() ? std::string("this migration")
                                  : std::string(layout.migration_noun) + " " + m.id;
  // A down file that is there but empty: filled, not added.
  std::string write(layout.downgrade_help);
  if (m.downgrade_kind == DowngradeKind::empty && layout.downgrade_form == DowngradeForm::file &&
      m.down_file != nullptr) {
    std::string file = std::filesystem::path(m.down_file->path).filename().string();
    // Only transaction control or a read (a template's BEGIN; COMMIT;, diesel's SELECT 1).
    write = m.downgrade.empty()
                ? "fill the empty " + file +
                      " with the statements that undo every change, in reverse order"
                : "write in " + file +
                      " the statements that undo every change, in reverse order: "
                      "what it runs now changes nothing";
  }
  if (enum_values) {
    ctx.report(m.downgrade_range,
               name +
                   " adds enum values, which its downgrade leaves in place (PostgreSQL can't "
                   "drop one): after a rollback, upgrading again fails on ADD VALUE (\"enum "
                   "label ... already exists\")",
               "write ADD VALUE IF NOT EXISTS in the upgrade, so that it runs again after a "
               "rollback; the downgrade can stay as it is");
    return;
  }
  ctx.report(m.downgrade_range, name + " " + what + ": it can't be rolled back",
             data_only(m) ? data_only_help(layout, write) : write);
}

extern const RuleDef missing_downgrade_rule{.id = "missing-downgrade",
                                            .severity = Severity::error,
                                            .category = "reversibility",
                                            .check = &missing_downgrade};

}  // namespace schemagate::rules
