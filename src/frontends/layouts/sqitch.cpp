// Sqitch: sqitch.plan + deploy/ revert/ verify/. Sqitch runs scripts through psql without a
// transaction: the scripts it generates carry their own BEGIN/COMMIT. verify/ scripts are
// checks that end in ROLLBACK, not migrations. Changes run in plan order; a revert script
// undoes the deploy script of the same change.
#include <algorithm>
#include <fstream>
#include <system_error>

#include "frontends/layouts/layout_spec.hpp"

namespace schemagate::layouts {

namespace fs = std::filesystem;

namespace {

// Sqitch plan: the script name of each change, in plan order (sqitch.plan(5)). Lines are
// pragmas (`%`), comments (`#`), tags (`@tag`) and changes (`[+]name [dependencies] date planner
// # note`). A change planned again later (reworked) keeps its latest script as `name.sql`; an
// earlier version's scripts are `name@tag.sql`, with the first of the tags between it and its
// next version whose deploy script exists (Sqitch's own rule), else the first of those tags.
std::vector<std::string> read_plan(const fs::path& project_dir) {
  struct Entry {
    std::string name;
    std::vector<std::string> tags_after;  // tags between this change and the next change
  };
  std::vector<Entry> entries;
  std::error_code ec;
  fs::path plan = project_dir / "sqitch.plan";
  if (!fs::is_regular_file(plan, ec)) return {};  // a FIFO would block the run
  std::ifstream in(plan);
  for (std::string line; std::getline(in, line);) {
    std::size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    char c = line[b];
    if (c == '%' || c == '#') continue;
    std::size_t e = line.find_first_of(" \t\r[", b);
    std::string word = line.substr(b, e == std::string::npos ? std::string::npos : e - b);
    if (c == '@') {
      if (!entries.empty()) entries.back().tags_after.push_back(word.substr(1));
      continue;
    }
    if (c == '-') continue;  // a change reverted in this plan: nothing to deploy
    if (c == '+') word.erase(0, 1);
    if (!word.empty()) entries.push_back({word, {}});
  }
  std::vector<std::string> scripts;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::string> rework_tags;
    std::size_t next = i + 1;
    while (next < entries.size() && entries[next].name != entries[i].name) ++next;
    if (next < entries.size()) {
      for (std::size_t k = i; k < next; ++k) {
        rework_tags.insert(rework_tags.end(), entries[k].tags_after.begin(),
                           entries[k].tags_after.end());
      }
    }
    std::string script = entries[i].name;
    if (next < entries.size() && !rework_tags.empty()) {
      script += "@" + rework_tags.front();
      for (const std::string& tag : rework_tags) {
        if (fs::exists(project_dir / "deploy" / (entries[i].name + "@" + tag + ".sql"), ec)) {
          script = entries[i].name + "@" + tag;
          break;
        }
      }
    }
    scripts.push_back(std::move(script));
  }
  return scripts;
}

class Sqitch final : public LayoutSpec {
 public:
  [[nodiscard]] Layout layout() const override { return Layout::sqitch; }
  [[nodiscard]] std::optional<SqlRole> role(const fs::path& file,
                                            const fs::path& project) const override {
    SqlRole r;
    std::string folder = file.parent_path().filename().string();
    if (folder == "verify") {
      r.layout = Layout::sqitch;
      r.skip = true;
      return r;
    }
    if (folder != "deploy" && folder != "revert") return std::nullopt;
    r.layout = Layout::sqitch;
    r.name = file.stem().string();
    r.version = r.name;
    r.down = folder == "revert";
    std::vector<std::string> plan = read_plan(project);
    auto it = std::find(plan.begin(), plan.end(), r.name);
    r.plan_order = it == plan.end() ? 0 : static_cast<std::size_t>(it - plan.begin()) + 1;
    return r;
  }
  [[nodiscard]] std::vector<fs::path> project_files(const fs::path& project) const override {
    std::vector<fs::path> out;
    sql_files_in(project / "deploy", out);
    sql_files_in(project / "revert", out);
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

const LayoutSpec& sqitch() {
  static const Sqitch spec;
  return spec;
}

}  // namespace schemagate::layouts
