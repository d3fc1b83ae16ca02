// One traits row per layout (layout.hpp). The transaction defaults, as each tool documents
// them, are in the layout's own file under src/frontends/layouts/.
#include "schemagate/layout.hpp"

#include <array>

namespace schemagate {

namespace {

using enum Layout;
using L = Language;
using F = DowngradeForm;
using E = DowngradeExpected;
using O = Ordering;
using P = Pairing;

constexpr std::array kTraits = {
    LayoutTraits{sql, "sql", false, O::version, P::none, L::sql, F::none, E::never, "migration",
                 "a down migration",
                 "write the down migration that undoes every change, in reverse order",
                 "none (psql runs it statement by statement)"},
    LayoutTraits{numbered, "numbered", true, O::version, P::none, L::sql, F::none, E::never,
                 "migration", "a down migration",
                 "write the down migration that undoes every change, in reverse order",
                 "none (psql runs each file statement by statement)"},
    LayoutTraits{alembic, "alembic", true, O::graph, P::none, L::python, F::function, E::always,
                 "revision", "downgrade()",
                 "write downgrade() to undo every change of upgrade(), in reverse order",
                 "by default one for all the pending revisions of a run; one per revision with "
                 "transaction_per_migration=True"},
    LayoutTraits{golang_migrate, "golang-migrate", true, O::version, P::version, L::sql, F::file,
                 E::always, "migration", "this down migration",
                 "add the matching .down.sql that undoes every change",
                 "none (a file of several statements is one implicit transaction)"},
    LayoutTraits{flyway, "flyway", true, O::version, P::version, L::sql, F::file,
                 E::when_configured, "migration", "this undo migration",
                 "add the matching U<version>__<name>.sql undo migration",
                 "one per file; none for a file with CREATE INDEX CONCURRENTLY and the like, or "
                 "executeInTransaction=false in <file>.conf"},
    LayoutTraits{dbmate, "dbmate", true, O::version, P::none, L::sql, F::section, E::always,
                 "migration", "the `-- migrate:down` section",
                 "write a `-- migrate:down` section that undoes every change",
                 "one per section, unless transaction:false"},
    LayoutTraits{sqitch, "sqitch", true, O::plan, P::name, L::sql, F::file, E::always, "change",
                 "this revert script",
                 "write revert/ script for this change that undoes its deploy",
                 "none: the scripts' own BEGIN/COMMIT"},
    LayoutTraits{diesel, "diesel", true, O::version, P::version, L::sql, F::file, E::always,
                 "migration", "down.sql", "write down.sql so that it undoes every change of up.sql",
                 "one per migration, unless run_in_transaction = false in metadata.toml"},
    LayoutTraits{prisma, "prisma", true, O::version, P::none, L::sql, F::none, E::never,
                 "migration", "a down migration",
                 "write the down migration that undoes every change, in reverse order",
                 "none (several statements: one implicit transaction)"},
    LayoutTraits{popx, "popx", true, O::version, P::version, L::sql, F::file, E::never, "migration",
                 "this down migration", "add the matching .down.sql that undoes every change",
                 "one per file; none for .autocommit."},
};

}  // namespace

// Rows in the enum's order.
constexpr bool in_order() {
  for (std::size_t i = 0; i < kTraits.size(); ++i) {
    if (static_cast<std::size_t>(kTraits[i].layout) != i) return false;
  }
  return true;
}
static_assert(in_order(), "kTraits must list the layouts in the order of enum class Layout");

const LayoutTraits& traits(Layout layout) { return kTraits[static_cast<std::size_t>(layout)]; }

std::span<const LayoutTraits> all_layouts() { return kTraits; }

std::optional<Layout> layout_named(std::string_view name) {
  for (const LayoutTraits& t : kTraits) {
    if (t.name == name) return t.layout;
  }
  return std::nullopt;
}

}  // namespace schemagate
