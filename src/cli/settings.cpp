#include "cli/settings.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <variant>

#include "schemagate/rule.hpp"

namespace schemagate::cli {

namespace {

// Adds `ids` to `into` and removes them from `against` (the later word wins).
bool merge_rules(const std::vector<std::string>& ids, std::set<std::string>& into,
                 std::set<std::string>& against, std::string_view flag, std::ostream& err) {
  bool ok = true;
  for (const std::string& id : ids) {
    if (find_rule(id) == nullptr) {
      err << "schemagate: " << flag << ": " << unknown_rule_message(id) << "\n";
      ok = false;
      continue;
    }
    into.insert(id);
    against.erase(id);
  }
  return ok;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::optional<Settings> resolve(const Flags& flags, const std::vector<std::string>& paths,
                                std::ostream& err) {
  Settings s;
  std::string file = flags.config_file;
  if (file.empty() && !flags.no_config) file = find_config(paths.empty() ? "." : paths.front());
  if (!file.empty()) {
    ConfigResult loaded = load_config(file);
    if (!loaded.config) {
      for (const ConfigError& e : loaded.errors) {
        err << e.path << ":" << e.position.line << ":" << e.position.column
            << ": error: " << e.message << "\n";
      }
      return std::nullopt;
    }
    s.config = std::move(*loaded.config);
  }
  Config& c = s.config;
  bool ok = merge_rules(flags.enable, c.enable, c.disable, "--enable", err);
  ok = merge_rules(flags.disable, c.disable, c.enable, "--disable", err) && ok;
  if (flags.pg_version) c.pg_version = flags.pg_version;
  if (flags.assume_in_transaction) c.assume_in_transaction = true;
  if (flags.fail_on) c.fail_on = parse_severity(*flags.fail_on);
  if (flags.start_after) c.start_after = flags.start_after;
  if (!ok) return std::nullopt;

  LintOptions& o = s.options;
  o.settings.pg_version = c.pg_version.value_or(15);
  o.settings.rule_options = c.rule_options;
  o.settings.large_tables = c.large_tables;
  o.enable = c.enable;
  o.disable = c.disable;
  o.severity = c.severity;
  o.assume_in_transaction = c.assume_in_transaction.value_or(false);
  // Exclude globs are relative to the configuration file's folder, the flag's to the current
  // directory.
  std::error_code ec;
  std::string config_dir =
      c.source.empty() ? std::string()
                       : std::filesystem::absolute(c.source, ec).parent_path().generic_string();
  for (const std::string& g : c.exclude) o.exclude.push_back({g, config_dir});
  for (const std::string& g : flags.exclude) o.exclude.push_back({g, ""});
  o.layouts = c.layouts;
  o.placeholders = c.placeholders;
  o.settings.flyway_undo = c.flyway_undo.value_or(false);
  o.jobs = flags.jobs;
  o.only_migrations = flags.only_migrations;
  o.checklist.enforce = c.checklist_enforce.value_or(false);
  o.checklist.require = c.checklist_require;
  o.start_after = c.start_after.value_or("");
  s.fail_on = c.fail_on.value_or(Severity::warning);
  return s;
}

void print(std::ostream& out, const Settings& settings) {
  const Config& c = settings.config;
  out << "# effective configuration"
      << (c.source.empty() ? std::string(" (no configuration file; built-in defaults)")
                           : " (from " + c.source + ", with the command line's flags)")
      << "\n";
  out << "pg_version: " << settings.options.settings.pg_version << "\n";
  out << "fail_on: " << to_string(settings.fail_on) << "\n";
  out << "assume_in_transaction: " << (settings.options.assume_in_transaction ? "true" : "false")
      << "\n";
  if (c.start_after) out << "start_after: " << quoted(*c.start_after) << "\n";
  out << "flyway:\n  undo: " << (c.flyway_undo.value_or(false) ? "true" : "false") << "\n";
  auto list = [&](std::string_view key, const auto& items, std::string_view indent) {
    out << indent << key << ":" << (items.empty() ? " []\n" : "\n");
    for (const auto& i : items) out << indent << "  - " << quoted(i) << "\n";
  };
  out << "exclude:" << (settings.options.exclude.empty() ? " []\n" : "\n");
  for (const PathGlob& g : settings.options.exclude) {
    out << "  - " << quoted(g.pattern) << "  # relative to "
        << (g.base.empty() ? std::string("the current directory (--exclude)") : g.base) << "\n";
  }
  out << "rules:\n";
  list("enable", c.enable, "  ");
  list("disable", c.disable, "  ");
  out << "  severity:" << (c.severity.empty() ? " {}\n" : "\n");
  for (const auto& [id, sev] : c.severity) out << "    " << id << ": " << to_string(sev) << "\n";
  // Every rule option, with its effective value.
  for (const RuleInfo& r : all_rules()) {
    if (r.options.empty()) continue;
    out << "  " << r.id << ":\n";
    for (const RuleOption& o : r.options) {
      OptionValue v = option_value(settings.options.settings, r.id, o.name);
      out << "    " << o.name << ": ";
      if (const bool* b = std::get_if<bool>(&v)) out << (*b ? "true" : "false");
      if (const std::int64_t* i = std::get_if<std::int64_t>(&v)) out << *i;
      if (const std::string* t = std::get_if<std::string>(&v)) out << quoted(*t);
      out << "  # " << o.help << "\n";
    }
  }
  out << "layouts:" << (c.layouts.empty() ? " {}\n" : "\n");
  for (const auto& [glob, layout] : c.layouts)
    out << "  " << quoted(glob) << ": " << to_string(layout) << "\n";
  out << "large_tables:" << (c.large_tables.empty() ? " {}\n" : "\n");
  for (const auto& [name, rows] : c.large_tables) {
    out << "  " << quoted(name) << ": " << (rows ? std::to_string(*rows) : std::string("null"))
        << "\n";
  }
  out << "placeholders:" << (c.placeholders.empty() ? " {}\n" : "\n");
  for (const auto& [name, value] : c.placeholders)
    out << "  " << quoted(name) << ": " << quoted(value) << "\n";
  out << "checklist:\n  enforce: " << (settings.options.checklist.enforce ? "true" : "false")
      << "\n  require:\n";
  for (const ChecklistItemInfo& item : checklist_items()) {
    out << "    " << item.id << ": " << to_string(settings.options.checklist.requirement(item))
        << "\n";
  }
  out << "# rules that run:";
  for (const RuleInfo& r : all_rules()) {
    bool on = !settings.options.disable.contains(std::string(r.id)) &&
              (!r.opt_in || settings.options.enable.contains(std::string(r.id)));
    if (!on) continue;
    auto sev = settings.options.severity.find(std::string(r.id));
    out << "\n#   " << r.id << " ("
        << to_string(sev != settings.options.severity.end() ? sev->second : r.severity) << ")";
  }
  out << "\n";
}

}  // namespace schemagate::cli
