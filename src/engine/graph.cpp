#include "schemagate/graph.hpp"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <set>
#include <string_view>
#include <unordered_map>

namespace schemagate {

RevisionGraph::RevisionGraph(std::vector<const Migration*> migrations) {
  for (const Migration* m : migrations) {
    if (m == nullptr || m->id.empty()) continue;
    revisions_.push_back(m);
    by_id_[m->id].push_back(m);
    for (const std::string& label : m->revision.branch_labels) labels_.emplace(label, m);
  }
  // Of several files declaring one id, Alembic keeps the last (in file order): only that
  // one's down revisions count.
  std::set<std::string> named_as_parent;
  for (const auto& [id, ms] : by_id_) {
    named_as_parent.insert(ms.back()->parents.begin(), ms.back()->parents.end());
  }
  for (const auto& [id, ms] : by_id_) {
    const Migration* m = ms.back();
    if (!named_as_parent.contains(id)) heads_.push_back(m);
    if (m->parents.empty()) bases_.push_back(m);
    if (m->parents.size() > 1) merges_.push_back(m);
  }
  find_cycles();
  topological_order();
}

const std::vector<const Migration*>& RevisionGraph::declaring(const std::string& id) const {
  static const std::vector<const Migration*> none;
  auto it = by_id_.find(id);
  return it == by_id_.end() ? none : it->second;
}

const Migration* RevisionGraph::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.back();
}

bool RevisionGraph::is_branch_label(const std::string& name) const {
  return labels_.contains(name);
}

std::vector<std::string> RevisionGraph::branches_of(const Migration& m) const {
  std::set<std::string> labels;
  std::set<std::string> seen;
  std::vector<const Migration*> todo{&m};
  while (!todo.empty()) {
    const Migration* cur = todo.back();
    todo.pop_back();
    if (!seen.insert(cur->id).second) continue;
    labels.insert(cur->revision.branch_labels.begin(), cur->revision.branch_labels.end());
    // A label that can't be read is still a label of its own branch.
    if (cur->revision.branch_labels_unknown) labels.insert("?" + cur->id);
    for (const std::string& p : cur->parents) {
      if (const Migration* parent = find(p)) todo.push_back(parent);
    }
  }
  return {labels.begin(), labels.end()};
}

void RevisionGraph::find_cycles() {
  // Iterative depth-first search over down revisions; a back edge closes a cycle.
  enum class Mark { none, active, done };
  std::map<std::string, Mark> mark;
  std::set<std::set<std::string>> seen_cycles;
  for (const auto& [start, ms] : by_id_) {
    if (mark[start] != Mark::none) continue;
    struct Frame {
      const Migration* m;
      std::size_t next;
    };
    std::vector<Frame> stack{{ms.back(), 0}};
    mark[start] = Mark::active;
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.m->parents.size()) {
        mark[f.m->id] = Mark::done;
        stack.pop_back();
        continue;
      }
      const std::string& p = f.m->parents[f.next++];
      const Migration* parent = find(p);
      if (parent == nullptr) continue;
      if (mark[p] == Mark::active) {
        std::vector<std::string> cycle;
        auto from =
            std::find_if(stack.begin(), stack.end(), [&](const Frame& x) { return x.m->id == p; });
        for (auto it = from; it != stack.end(); ++it) cycle.push_back(it->m->id);
        std::set<std::string> key(cycle.begin(), cycle.end());
        if (seen_cycles.insert(key).second) cycles_.push_back(std::move(cycle));
      } else if (mark[p] == Mark::none) {
        mark[p] = Mark::active;
        stack.push_back({parent, 0});
      }
    }
  }
}

void RevisionGraph::topological_order() {
  std::set<std::string> on_cycle;
  for (const auto& c : cycles_) on_cycle.insert(c.begin(), c.end());
  std::set<std::string> placed;
  // Kahn's algorithm over ids, parents first; missing parents count as placed.
  std::map<std::string, int> waiting;
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [id, ms] : by_id_) {
    if (on_cycle.contains(id)) continue;
    int n = 0;
    for (const std::string& p : ms.back()->parents) {
      if (by_id_.contains(p) && !on_cycle.contains(p)) {
        ++n;
        children[p].push_back(id);
      }
    }
    waiting[id] = n;
  }
  std::set<std::string> ready;
  for (const auto& [id, n] : waiting) {
    if (n == 0) ready.insert(id);
  }
  while (!ready.empty()) {
    std::string id = *ready.begin();
    ready.erase(ready.begin());
    order_.push_back(by_id_.at(id).back());
    for (const std::string& c : children[id]) {
      if (--waiting[c] == 0) ready.insert(c);
    }
  }
}

std::vector<std::vector<const Migration*>> separate_histories(
    const std::vector<const Migration*>& migrations) {
  std::vector<std::size_t> root(migrations.size());
  std::iota(root.begin(), root.end(), std::size_t{0});
  auto find = [&](std::size_t i) {
    while (root[i] != i) i = root[i] = root[root[i]];
    return i;
  };
  auto join = [&](std::size_t a, std::size_t b) { root[find(a)] = find(b); };
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_id;
  std::unordered_map<std::string, std::size_t> by_folder;
  // Each revision's folder, absolute: a file named on the command line ("versions/x.py") and
  // the project's files found around it (absolute paths) share their folders.
  std::vector<std::string> folder(migrations.size());
  // Files spelled in one folder (their paths alike up to their last `/`, included) have the
  // same one: worked out once per folder.
  std::unordered_map<std::string_view, std::string> folder_of;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const Migration& m = *migrations[i];
    if (!m.id.empty()) by_id[m.id].push_back(i);
    if (m.file != nullptr && !m.file->path.empty()) {
      std::string_view spelled = m.file->path;
      std::size_t slash = spelled.rfind('/');
      spelled = slash == std::string_view::npos ? std::string_view() : spelled.substr(0, slash + 1);
      auto [known, added] = folder_of.try_emplace(spelled);
      if (added) {
        std::error_code ec;
        std::filesystem::path path = std::filesystem::absolute(m.file->path, ec);
        if (ec) path = m.file->path;
        known->second = path.lexically_normal().parent_path().generic_string();
      }
      folder[i] = known->second;
    }
    if (auto [it, added] = by_folder.emplace(folder[i], i); !added) join(i, it->second);
  }
  // A down revision declared in several folders (one chain per database may reuse ids) links
  // to the one in the revision's own folder when there is one.
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    for (const auto* names : {&migrations[i]->parents, &migrations[i]->revision.depends_on}) {
      for (const std::string& p : *names) {
        auto it = by_id.find(p);
        if (it == by_id.end()) continue;
        bool local = std::any_of(it->second.begin(), it->second.end(),
                                 [&](std::size_t k) { return folder[k] == folder[i]; });
        for (std::size_t k : it->second) {
          if (!local || folder[k] == folder[i]) join(i, k);
        }
      }
    }
  }
  std::vector<std::vector<const Migration*>> out;
  std::unordered_map<std::size_t, std::size_t> slot;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    auto [it, added] = slot.emplace(find(i), out.size());
    if (added) out.emplace_back();
    out[it->second].push_back(migrations[i]);
  }
  return out;
}

}  // namespace schemagate
