// revision-header-mismatch: the docstring's Revision ID / Revises disagree with the variables.
#include <algorithm>

#include "rules/common.hpp"
#include "rules/rules.hpp"

namespace schemagate::rules {

namespace {

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? std::string("nothing") : out;
}

}  // namespace

static void revision_header_mismatch(RuleContext& ctx) {
  const Migration& m = ctx.migration();
  const RevisionInfo& r = m.revision;
  const char* help =
      "make the docstring and the variable agree (the variable is what Alembic uses)";
  if (r.header_id && *r.header_id != m.id) {
    ctx.report(r.revision_range,
               "the docstring says `Revision ID: " + *r.header_id + "` but revision = " + m.id,
               help);
  }
  if (r.header_parents) {
    std::vector<std::string> said = *r.header_parents;
    std::vector<std::string> real = m.parents;
    std::sort(said.begin(), said.end());
    std::sort(real.begin(), real.end());
    if (said != real) {
      ctx.report(r.down_revision_range,
                 "the docstring says `Revises: " + joined(*r.header_parents) +
                     "` but down_revision = " + joined(m.parents),
                 help);
    }
  }
}

extern const RuleDef revision_header_mismatch_rule{.id = "revision-header-mismatch",
                                                   .severity = Severity::warning,
                                                   .category = "graph",
                                                   .check = &revision_header_mismatch};

}  // namespace schemagate::rules
