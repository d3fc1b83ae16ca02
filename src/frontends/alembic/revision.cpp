// Revision metadata: the module-level variables Alembic reads, the docstring header it
// writes, and whether downgrade() does anything.
#include <algorithm>
#include <cctype>
#include <string>

#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Where the line at `pos` ends (its \r or \n), or npos: s.find_first_of("\r\n", pos)
// without a search of the set for each byte.
std::size_t line_end(std::string_view s, std::size_t pos) {
  for (std::size_t i = pos; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') return i;
  }
  return std::string_view::npos;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// A str, a tuple/list of str, or None → the ids.
std::vector<std::string> ids(const Value& v) {
  std::vector<std::string> out;
  if (auto s = string_value(v)) {
    if (!s->empty()) out.push_back(*s);
  } else if (v.kind == ValueKind::list) {
    for (const Value& item : v.items) {
      if (auto x = string_value(item)) out.push_back(*x);
    }
  }
  return out;
}

}  // namespace

void read_docstring_header(std::string_view value, ByteRange range, RevisionInfo& info) {
  info.header_range = range;
  std::string_view body = value;
  bool first = true;
  while (!body.empty()) {
    std::size_t nl = line_end(body, 0);
    std::string_view line = trim(body.substr(0, nl));
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (first && !line.empty()) {
      info.message = std::string(line);
      first = false;
    }
    if (starts_with_nocase(line, "revision id:")) {
      info.header_id = std::string(trim(line.substr(12)));
    } else if (starts_with_nocase(line, "revises:")) {
      std::vector<std::string> parents;
      std::string_view rest = line.substr(8);
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string_view item = trim(rest.substr(0, comma));
        // Older Alembic wrote `Revises: None` for a base; a hand-written tuple has quotes.
        while (!item.empty() && (item.front() == '(' || item.front() == '\'' ||
                                 item.front() == '"' || item.front() == '[')) {
          item.remove_prefix(1);
        }
        while (!item.empty() && (item.back() == ')' || item.back() == '\'' || item.back() == '"' ||
                                 item.back() == ']')) {
          item.remove_suffix(1);
        }
        if (!item.empty() && item != "None") parents.emplace_back(item);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      info.header_parents = std::move(parents);
    }
  }
}

namespace {

void read_header(std::string_view text, py::Node doc, RevisionInfo& info) {
  auto lit = py::shared_string_literal(text, doc);  // decoded already by the interpreter
  if (!lit) return;
  read_docstring_header(lit->value, py::range(doc), info);
}

// Does a statement of downgrade() do something?
enum class Effect { nothing, raises, something };

Effect effect_of(py::Node s) {
  std::string_view t = py::type(s);
  if (t == "pass_statement") return Effect::nothing;
  if (t == "raise_statement") return Effect::raises;
  if (t == "return_statement") {
    std::vector<py::Node> value = py::named_children(s);
    return value.empty() || py::is(value[0], "none") ? Effect::nothing : Effect::something;
  }
  if (t == "expression_statement") {
    std::vector<py::Node> parts = py::named_children(s);
    if (parts.size() == 1 &&
        (py::is(parts[0], "string") || py::is(parts[0], "concatenated_string") ||
         py::is(parts[0], "ellipsis"))) {
      return Effect::nothing;
    }
  }
  return Effect::something;
}

}  // namespace

bool looks_like_revision(std::string_view text) {
  bool revision = false;
  bool upgrade = false;
  std::size_t pos = 0;
  while (pos < text.size() && !(revision && upgrade)) {
    std::size_t end = line_end(text, pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.starts_with("revision")) {
      std::string_view rest = trim(line.substr(8));
      revision = revision || rest.starts_with("=") || rest.starts_with(":");
    } else if (line.starts_with("def upgrade") || line.starts_with("async def upgrade")) {
      std::string_view rest = trim(line.substr(line.find("upgrade") + 7));
      upgrade = upgrade || rest.starts_with("(");
    }
    pos = end + 1;
  }
  return revision && upgrade;
}

void read_revision(const PyFile& file, Migration& m) {
  RevisionInfo& info = m.revision;
  py::Node root = file.tree->root();
  std::string_view text = file.text;
  py::Node upgrade{};
  py::Node downgrade{};
  bool has_revision = false;
  bool first = true;
  for (py::Node s : py::named_children(root)) {
    if (first && py::is(s, "expression_statement")) {
      std::vector<py::Node> parts = py::named_children(s);
      if (parts.size() == 1 &&
          (py::is(parts[0], "string") || py::is(parts[0], "concatenated_string"))) {
        read_header(text, parts[0], info);
      }
    }
    first = false;
    py::Node def = py::is(s, "decorated_definition") ? py::field(s, "definition") : s;
    if (py::is(def, "function_definition")) {
      std::string_view name = py::text(text, py::field(def, "name"));
      if (name == "upgrade") upgrade = s;
      if (name == "downgrade") downgrade = s;
      continue;
    }
    if (!py::is(s, "expression_statement")) continue;
    for (py::Node a : py::named_children(s)) {
      if (!py::is(a, "assignment") || !py::is(py::field(a, "left"), "identifier")) continue;
      std::string_view name = py::text(text, py::field(a, "left"));
      if (name == "revision") {
        info.revision_range = py::range(a);
        has_revision = true;
      } else if (name == "down_revision") {
        info.down_revision_range = py::range(a);
      }
    }
  }
  auto global = [&](const char* name) -> Value {
    auto it = file.globals.find(name);
    return it == file.globals.end() ? Value{} : it->second;
  };
  m.id = string_value(global("revision")).value_or("");
  m.parents = ids(global("down_revision"));
  info.branch_labels = ids(global("branch_labels"));
  if (auto it = file.globals.find("branch_labels"); it != file.globals.end()) {
    const Value& v = it->second;
    bool known = v.kind == ValueKind::none || string_value(v) ||
                 (v.kind == ValueKind::list &&
                  std::all_of(v.items.begin(), v.items.end(),
                              [](const Value& x) { return string_value(x).has_value(); }));
    info.branch_labels_unknown = !known;
  }
  info.depends_on = ids(global("depends_on"));
  info.is_revision = has_revision && !py::null(upgrade);

  if (py::null(downgrade)) {
    m.downgrade_kind = DowngradeKind::absent;
    if (!py::null(upgrade)) {
      py::Node def =
          py::is(upgrade, "decorated_definition") ? py::field(upgrade, "definition") : upgrade;
      std::size_t begin = ts_node_start_byte(def);
      std::size_t end = begin;
      while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
      m.downgrade_range = {begin, end};
    }
    return;
  }
  m.downgrade_range = py::range(downgrade);
  py::Node def =
      py::is(downgrade, "decorated_definition") ? py::field(downgrade, "definition") : downgrade;
  bool raises = false;
  bool something = false;
  for (py::Node s : py::named_children(py::field(def, "body"))) {
    Effect e = effect_of(s);
    raises = raises || e == Effect::raises;
    something = something || e == Effect::something;
  }
  m.downgrade_kind = something ? DowngradeKind::real
                               : (raises ? DowngradeKind::only_raises : DowngradeKind::empty);
}

}  // namespace schemagate::alembic
