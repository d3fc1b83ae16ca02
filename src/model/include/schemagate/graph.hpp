// The revision graph of a set of migrations (Alembic revisions): bases, heads, merge points,
// branch labels, the ordered history, and what is wrong with it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schemagate/ir.hpp"

namespace schemagate {

class RevisionGraph {
 public:
  // `migrations` must outlive the graph. Migrations without an id are ignored.
  explicit RevisionGraph(std::vector<const Migration*> migrations);

  [[nodiscard]] const std::vector<const Migration*>& revisions() const { return revisions_; }
  // Every file that declares `id` (more than one: duplicate-revision-id).
  [[nodiscard]] const std::vector<const Migration*>& declaring(const std::string& id) const;
  [[nodiscard]] const Migration* find(const std::string& id) const;
  [[nodiscard]] bool is_branch_label(const std::string& name) const;

  // Revisions no other revision names as its down revision (what `alembic heads` prints).
  [[nodiscard]] const std::vector<const Migration*>& heads() const { return heads_; }
  // Revisions without a down revision.
  [[nodiscard]] const std::vector<const Migration*>& bases() const { return bases_; }
  // Revisions with more than one down revision.
  [[nodiscard]] const std::vector<const Migration*>& merges() const { return merges_; }
  // Parents before children; ties broken by id. Revisions on a cycle are left out.
  [[nodiscard]] const std::vector<const Migration*>& order() const { return order_; }
  // Each cycle once, as the ids along it.
  [[nodiscard]] const std::vector<std::vector<std::string>>& cycles() const { return cycles_; }
  // The branch labels of a revision and all its ancestors.
  [[nodiscard]] std::vector<std::string> branches_of(const Migration& m) const;

 private:
  void find_cycles();
  void topological_order();

  std::vector<const Migration*> revisions_;
  std::map<std::string, std::vector<const Migration*>> by_id_;
  std::map<std::string, const Migration*> labels_;
  std::vector<const Migration*> heads_;
  std::vector<const Migration*> bases_;
  std::vector<const Migration*> merges_;
  std::vector<const Migration*> order_;
  std::vector<std::vector<std::string>> cycles_;
};

// The separate histories among the revisions of one project folder: groups of revisions linked
// by their down revisions (and depends_on), where groups that have files in a common folder
// count as one. Two chains in sibling folders that never meet (versions/postgresql and
// versions/sqlite, one per database) are two histories; a revision whose parent is missing stays
// in the history of its folder. Each history keeps the order of `migrations`.
[[nodiscard]] std::vector<std::vector<const Migration*>> separate_histories(
    const std::vector<const Migration*>& migrations);

}  // namespace schemagate
