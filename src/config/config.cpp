// Loading and validating the configuration. YAML and TOML are both read into one small
// tree with positions, and one validator checks keys, types and rule ids, so that every
// mistake is an error at file:line:col.
#include "schemagate/config.hpp"

#include "config/config_text.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <toml++/toml.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "schemagate/rule.hpp"

namespace schemagate {

namespace fs = std::filesystem;

namespace {

struct Entry;

// A configuration value, whatever file format it came from.
struct Value {
  enum class Kind { map, list, text, integer, boolean, null } kind = Kind::null;
  Position at;
  std::string text;  // text scalars; also the spelling of YAML scalars
  std::int64_t integer = 0;
  bool boolean = false;
  std::vector<Entry> entries;  // maps (with the key's position in at)
  std::vector<Position> key_positions;
  std::vector<Value> items;  // lists
};

// One key of a map and its value. (A class of its own rather than a std::pair: a pair of an
// incomplete Value can't be a member of Value with libstdc++ under Clang.)
struct Entry {
  Entry(std::string k, Value v) : first(std::move(k)), second(std::move(v)) {}
  std::string first;
  Value second;
};

Position position(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {static_cast<std::uint32_t>(m.line + 1), static_cast<std::uint32_t>(m.column + 1)};
}

// Bounds on the tree built from a file: YAML aliases can repeat a large subtree many times
// over (a few lines expanding to billions of values), and no configuration nests deeper than
// three levels.
constexpr std::size_t kMaxValues = 100000;
constexpr int kMaxNesting = 64;

struct TooLarge {
  Position at;
  std::string message;
};

// Builds Values from a parsed YAML or TOML document, within the bounds above.
class Builder {
 public:
  Value from_yaml(const YAML::Node& n, int depth = 0) {
    Value v;
    v.at = position(n.Mark());
    count(v.at, depth);
    switch (n.Type()) {
      case YAML::NodeType::Map:
        v.kind = Value::Kind::map;
        for (const auto& kv : n) {
          v.entries.emplace_back(kv.first.Scalar(), from_yaml(kv.second, depth + 1));
          v.key_positions.push_back(position(kv.first.Mark()));
        }
        break;
      case YAML::NodeType::Sequence:
        v.kind = Value::Kind::list;
        for (const auto& item : n) v.items.push_back(from_yaml(item, depth + 1));
        break;
      case YAML::NodeType::Scalar: {
        v.text = n.Scalar();
        v.kind = Value::Kind::text;
        if (n.Tag() == "!") break;  // quoted: always text
        if (v.text == "true" || v.text == "false") {
          v.kind = Value::Kind::boolean;
          v.boolean = v.text == "true";
        } else if (!v.text.empty() &&
                   v.text.find_first_not_of("-0123456789") == std::string::npos) {
          try {
            std::size_t used = 0;
            v.integer = std::stoll(v.text, &used);
            if (used == v.text.size()) v.kind = Value::Kind::integer;
          } catch (const std::exception&) {
          }
        }
        break;
      }
      default:
        v.kind = Value::Kind::null;
    }
    return v;
  }

  Value from_toml(const toml::node& n, int depth = 0) {
    Value v;
    const toml::source_region& src = n.source();
    v.at = {src.begin.line, src.begin.column};
    count(v.at, depth);
    if (const auto* t = n.as_table()) {
      v.kind = Value::Kind::map;
      for (const auto& [k, child] : *t) {
        v.entries.emplace_back(std::string(k.str()), from_toml(child, depth + 1));
        v.key_positions.push_back({k.source().begin.line, k.source().begin.column});
      }
    } else if (const auto* a = n.as_array()) {
      v.kind = Value::Kind::list;
      for (const auto& item : *a) v.items.push_back(from_toml(item, depth + 1));
    } else if (const auto* s = n.as_string()) {
      v.kind = Value::Kind::text;
      v.text = s->get();
    } else if (const auto* i = n.as_integer()) {
      v.kind = Value::Kind::integer;
      v.integer = i->get();
      v.text = std::to_string(v.integer);
    } else if (const auto* b = n.as_boolean()) {
      v.kind = Value::Kind::boolean;
      v.boolean = b->get();
      v.text = v.boolean ? "true" : "false";
    }
    return v;
  }

 private:
  void count(Position at, int depth) {
    if (depth > kMaxNesting) {
      throw TooLarge{at, "the configuration is nested more than " + std::to_string(kMaxNesting) +
                             " levels deep"};
    }
    if (++values_ > kMaxValues) {
      throw TooLarge{at, "the configuration holds more than " + std::to_string(kMaxValues) +
                             " values (with its aliases expanded)"};
    }
  }

  std::size_t values_ = 0;
};

std::string_view kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::map:
      return "a mapping";
    case Value::Kind::list:
      return "a list";
    case Value::Kind::text:
      return "a string";
    case Value::Kind::integer:
      return "an integer";
    case Value::Kind::boolean:
      return "true or false";
    case Value::Kind::null:
      return "nothing";
  }
  return "a value";
}

class Validator {
 public:
  Validator(std::string path, std::vector<ConfigError>& errors)
      : path_(std::move(path)), errors_(errors) {}

  void root(const Value& v, Config& c) {
    if (v.kind == Value::Kind::null) return;  // an empty file: the defaults
    if (!expect(v, Value::Kind::map, "the configuration")) return;
    for (std::size_t i = 0; i < v.entries.size(); ++i) {
      const auto& [key, value] = v.entries[i];
      Position at = v.key_positions[i];
      if (key == "rules") {
        rules(value, c);
      } else if (key == "exclude") {
        strings(value, "exclude", c.exclude);
      } else if (key == "pg_version") {
        if (expect(value, Value::Kind::integer, "pg_version")) {
          if (value.integer < 9 || value.integer > 18) {
            error(value.at, "pg_version must be a PostgreSQL major version from 9 to 18, not " +
                                std::to_string(value.integer));
          } else {
            c.pg_version = static_cast<int>(value.integer);
          }
        }
      } else if (key == "layouts") {
        layouts(value, c);
      } else if (key == "assume_in_transaction") {
        flag(value, key, c.assume_in_transaction);
      } else if (key == "lock_timeout_set_by_runner") {
        // The older spelling of rules.require-lock-timeout.set_by_runner (which wins when
        // both are given).
        std::optional<bool> set;
        flag(value, key, set);
        if (set) c.rule_options["require-lock-timeout"].try_emplace("set_by_runner", *set);
      } else if (key == "large_tables") {
        large_tables(value, c);
      } else if (key == "fail_on") {
        if (auto s = severity(value, "fail_on")) c.fail_on = s;
      } else if (key == "flyway") {
        flyway(value, c);
      } else if (key == "placeholders") {
        placeholders(value, c);
      } else if (key == "checklist") {
        checklist(value, c);
      } else if (key == "start_after") {
        // A revision id or a version, as written (`start_after: 0042` keeps its zeros).
        if (value.kind == Value::Kind::integer) {
          c.start_after = value.text.empty() ? std::to_string(value.integer) : value.text;
        } else if (expect(value, Value::Kind::text, "start_after")) {
          c.start_after = value.text;
        }
      } else {
        error(at, "unknown key '" + key +
                      "' (known: rules, exclude, pg_version, layouts, assume_in_transaction, "
                      "lock_timeout_set_by_runner, large_tables, fail_on, flyway, placeholders, "
                      "checklist, start_after)");
      }
    }
  }

 private:
  void error(Position at, std::string message) {
    errors_.push_back({path_, at, std::move(message)});
  }

  bool expect(const Value& v, Value::Kind kind, std::string_view what) {
    if (v.kind == kind) return true;
    error(v.at, std::string(what) + " must be " + std::string(kind_name(kind)) + ", not " +
                    std::string(kind_name(v.kind)));
    return false;
  }

  void flag(const Value& v, const std::string& key, std::optional<bool>& out) {
    if (expect(v, Value::Kind::boolean, key)) out = v.boolean;
  }

  void strings(const Value& v, std::string_view what, std::vector<std::string>& out) {
    if (!expect(v, Value::Kind::list, what)) return;
    for (const Value& item : v.items) {
      if (expect(item, Value::Kind::text, std::string(what) + " entries")) out.push_back(item.text);
    }
  }

  std::optional<Severity> severity(const Value& v, std::string_view what) {
    if (!expect(v, Value::Kind::text, what)) return std::nullopt;
    auto s = parse_severity(v.text);
    if (!s)
      error(v.at, std::string(what) + " must be error, warning or info, not '" + v.text + "'");
    return s;
  }

  bool known_rule(const Value& v, const std::string& id) {
    if (find_rule(id) != nullptr) return true;
    error(v.at, unknown_rule_message(id));
    return false;
  }

  void rule_list(const Value& v, std::string_view what, std::set<std::string>& out) {
    std::vector<std::string> ids;
    if (!expect(v, Value::Kind::list, what)) return;
    for (const Value& item : v.items) {
      if (!expect(item, Value::Kind::text, std::string(what) + " entries")) continue;
      if (known_rule(item, item.text)) out.insert(item.text);
    }
  }

  void rules(const Value& v, Config& c) {
    if (!expect(v, Value::Kind::map, "rules")) return;
    for (std::size_t i = 0; i < v.entries.size(); ++i) {
      const auto& [key, value] = v.entries[i];
      if (key == "enable") {
        rule_list(value, "rules.enable", c.enable);
      } else if (key == "disable") {
        rule_list(value, "rules.disable", c.disable);
      } else if (key == "severity") {
        if (!expect(value, Value::Kind::map, "rules.severity")) continue;
        for (std::size_t j = 0; j < value.entries.size(); ++j) {
          const auto& [id, sev] = value.entries[j];
          Value where;
          where.at = value.key_positions[j];
          if (!known_rule(where, id)) continue;
          if (auto s = severity(sev, "the severity of " + id)) c.severity[id] = *s;
        }
      } else if (const RuleInfo* rule = find_rule(key); rule != nullptr) {
        options(*rule, value, c);
      } else {
        std::string with_options;
        for (const RuleInfo& r : all_rules()) {
          if (r.options.empty()) continue;
          with_options +=
              (with_options.empty() ? "; rules with options: " : ", ") + std::string(r.id);
        }
        error(v.key_positions[i], "unknown key 'rules." + key +
                                      "' (known: enable, disable, severity" + with_options + ")");
      }
    }
  }

  // rules.<id>: the options the rule declares, each of its kind.
  void options(const RuleInfo& rule, const Value& v, Config& c) {
    const std::string prefix = "rules." + std::string(rule.id);
    if (rule.options.empty()) {
      error(v.at, prefix + ": the rule has no options (see `schemagate rule " +
                      std::string(rule.id) + "`)");
      return;
    }
    if (!expect(v, Value::Kind::map, prefix)) return;
    for (std::size_t i = 0; i < v.entries.size(); ++i) {
      const auto& [name, value] = v.entries[i];
      const RuleOption* option = nullptr;
      std::string known;
      for (const RuleOption& o : rule.options) {
        if (o.name == name) option = &o;
        known += (known.empty() ? "" : ", ") + std::string(o.name);
      }
      if (option == nullptr) {
        error(v.key_positions[i],
              "unknown key '" + prefix + "." + name + "' (known: " + known + ")");
        continue;
      }
      const std::string what = prefix + "." + name;
      switch (option->kind) {
        case RuleOption::Kind::boolean:
          if (expect(value, Value::Kind::boolean, what))
            c.rule_options[std::string(rule.id)].insert_or_assign(name, value.boolean);
          break;
        case RuleOption::Kind::integer:
          if (expect(value, Value::Kind::integer, what))
            c.rule_options[std::string(rule.id)].insert_or_assign(name, value.integer);
          break;
        case RuleOption::Kind::text:
          if (expect(value, Value::Kind::text, what))
            c.rule_options[std::string(rule.id)].insert_or_assign(name, value.text);
          break;
      }
    }
  }

  void layouts(const Value& v, Config& c) {
    if (!expect(v, Value::Kind::map, "layouts")) return;
    for (const auto& [glob, layout] : v.entries) {
      if (!expect(layout, Value::Kind::text, "the layout of " + glob)) continue;
      std::optional<Layout> known = layout_named(layout.text);
      if (!known) {
        std::string names;
        for (const LayoutTraits& t : all_layouts()) {
          names += (names.empty() ? "" : ", ") + std::string(t.name);
        }
        error(layout.at, "unknown layout '" + layout.text + "' (known: " + names + ")");
        continue;
      }
      c.layouts[glob] = *known;
    }
  }

  void large_tables(const Value& v, Config& c) {
    if (v.kind == Value::Kind::list) {
      for (const Value& item : v.items) {
        if (expect(item, Value::Kind::text, "large_tables entries"))
          c.large_tables[item.text] = std::nullopt;
      }
      return;
    }
    if (!expect(v, Value::Kind::map, "large_tables")) return;
    for (const auto& [name, rows] : v.entries) {
      if (rows.kind == Value::Kind::null) {
        c.large_tables[name] = std::nullopt;
      } else if (expect(rows, Value::Kind::integer, "the row count of " + name)) {
        c.large_tables[name] = rows.integer;
      }
    }
  }

  void flyway(const Value& v, Config& c) {
    if (!expect(v, Value::Kind::map, "flyway")) return;
    for (std::size_t i = 0; i < v.entries.size(); ++i) {
      const auto& [key, value] = v.entries[i];
      if (key == "undo") {
        flag(value, "flyway.undo", c.flyway_undo);
      } else {
        error(v.key_positions[i], "unknown key 'flyway." + key + "' (known: undo)");
      }
    }
  }

  void placeholders(const Value& v, Config& c) {
    if (!expect(v, Value::Kind::map, "placeholders")) return;
    for (const auto& [name, value] : v.entries) {
      if (value.kind == Value::Kind::map || value.kind == Value::Kind::list) {
        error(value.at, "the placeholder " + name + " must be a single value");
        continue;
      }
      c.placeholders[name] = value.text;
    }
  }

  void checklist(const Value& v, Config& c) {
    if (!expect(v, Value::Kind::map, "checklist")) return;
    for (std::size_t i = 0; i < v.entries.size(); ++i) {
      const auto& [key, value] = v.entries[i];
      if (key == "enforce") {
        flag(value, "checklist.enforce", c.checklist_enforce);
      } else if (key == "require") {
        if (!expect(value, Value::Kind::map, "checklist.require")) continue;
        for (std::size_t j = 0; j < value.entries.size(); ++j) {
          const auto& [id, when] = value.entries[j];
          const ChecklistItemInfo* item = find_checklist_item(id);
          if (item == nullptr) {
            std::string known;
            for (const ChecklistItemInfo& k : checklist_items())
              known += (known.empty() ? "" : ", ") + std::string(k.id);
            error(value.key_positions[j],
                  "unknown checklist item '" + id + "' (known: " + known + ")");
            continue;
          }
          if (!expect(when, Value::Kind::text, "checklist.require." + id)) continue;
          if (auto r = parse_requirement(when.text)) {
            c.checklist_require[id] = *r;
          } else {
            error(when.at, "checklist.require." + id +
                               " must be always, when-needed or never, not '" + when.text + "'");
          }
        }
      } else {
        error(v.key_positions[i], "unknown key 'checklist." + key + "' (known: enforce, require)");
      }
    }
  }

  std::string path_;
  std::vector<ConfigError>& errors_;
};

bool is_pyproject(const std::string& path) { return fs::path(path).filename() == "pyproject.toml"; }

}  // namespace

ConfigResult parse_config_text(const std::string& path, std::string_view text) {
  ConfigResult out;
  Config config;
  config.source = path;
  Validator validator(path, out.errors);
  if (is_pyproject(path)) {
    toml::table parsed;
    try {
      parsed = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
      out.errors.push_back(
          {path, {e.source().begin.line, e.source().begin.column}, std::string(e.description())});
      return out;
    }
    const toml::node* tool = parsed.get("tool");
    const toml::node* section =
        tool != nullptr && tool->is_table() ? tool->as_table()->get("schemagate") : nullptr;
    if (section != nullptr) {
      try {
        validator.root(Builder().from_toml(*section), config);
      } catch (const TooLarge& e) {
        out.errors.push_back({path, e.at, e.message});
      }
    }
  } else {
    try {
      validator.root(Builder().from_yaml(YAML::Load(std::string(text))), config);
    } catch (const YAML::DeepRecursion& e) {
      // yaml-cpp's own message for it is "bad file".
      out.errors.push_back({path, position(e.mark),
                            "the configuration is nested too deeply (" + std::to_string(e.depth()) +
                                " levels) for the YAML reader"});
      return out;
    } catch (const YAML::Exception& e) {
      out.errors.push_back({path, position(e.mark), e.msg});
      return out;
    } catch (const TooLarge& e) {
      out.errors.push_back({path, e.at, e.message});
      return out;
    }
  }
  if (out.errors.empty()) out.config = std::move(config);
  return out;
}

ConfigResult load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    ConfigResult out;
    out.errors.push_back({path, {}, "cannot read the configuration file"});
    return out;
  }
  return parse_config_text(path, text.str());
}

std::string find_config(const std::string& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  for (fs::path d = dir;; d = d.parent_path()) {
    for (const char* name : {".schemagate.yaml", ".schemagate.yml"}) {
      if (fs::is_regular_file(d / name, ec)) return (d / name).generic_string();
    }
    fs::path py = d / "pyproject.toml";
    if (fs::is_regular_file(py, ec)) {
      std::ifstream in(py);
      std::ostringstream text;
      text << in.rdbuf();
      if (text.str().find("[tool.schemagate") != std::string::npos) return py.generic_string();
    }
    if (d == d.parent_path()) break;
  }
  return {};
}

}  // namespace schemagate
