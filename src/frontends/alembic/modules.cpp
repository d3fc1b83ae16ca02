// Project modules that revisions import helpers from: found below the project root (or a
// folder above the revision), read through the caller's FileReader, parsed once.
#include <algorithm>
#include <array>
#include <filesystem>
#include <iterator>
#include <string>

#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxModules = 64;
constexpr std::size_t kMaxModuleBytes = 4 * 1024 * 1024;
constexpr int kMaxAncestors = 8;

// Top-level packages that are libraries, not the project's own helpers.
constexpr std::string_view kExternal[] = {
    "__future__",
    "abc",
    "alembic",
    "argparse",
    "asyncio",
    "attr",
    "attrs",
    "base64",
    "builtins",
    "calendar",
    "collections",
    "contextlib",
    "copy",
    "csv",
    "dataclasses",
    "datetime",
    "dateutil",
    "decimal",
    "enum",
    "flask",
    "flask_sqlalchemy",
    "functools",
    "geoalchemy2",
    "glob",
    "hashlib",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "logging",
    "math",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "platform",
    "pprint",
    "psycopg",
    "psycopg2",
    "pydantic",
    "pytz",
    "random",
    "re",
    "secrets",
    "shlex",
    "shutil",
    "six",
    "socket",
    "sqlalchemy",
    "sqlalchemy_utils",
    "sqlmodel",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tempfile",
    "textwrap",
    "threading",
    "time",
    "traceback",
    "types",
    "typing",
    "typing_extensions",
    "uuid",
    "warnings",
    "yaml",
    "zlib",
    "zoneinfo",
    "sa",
    "alembic_utils",
    "citext",
    "sqlalchemy_utc",
    "marshmallow",
    "requests",
    "jinja2",
    "werkzeug",
    "numpy",
    "pandas",
    "django",
    "click",
    "packaging",
    "sqlparse",
};

std::vector<std::string> split_dots(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    if (dot > start) out.emplace_back(s.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

}  // namespace

bool Interp::external_module(std::string_view module) {
  if (module.empty() || module[0] == '.') return false;
  std::string_view top = module.substr(0, module.find('.'));
  return std::find(std::begin(kExternal), std::end(kExternal), top) != std::end(kExternal);
}

PyFile* Interp::resolve_module(const std::string& module, const PyFile& from) {
  if (!options_.read_file || module.empty() || external_module(module)) return nullptr;
  fs::path from_dir = fs::path(from.path).parent_path();
  std::string key = module + "|" + from_dir.generic_string();
  if (auto it = module_cache_.find(key); it != module_cache_.end()) return it->second;
  module_cache_[key] = nullptr;

  std::vector<fs::path> candidates;
  auto add = [&](const fs::path& base, const std::vector<std::string>& parts) {
    fs::path p = base;
    for (const std::string& part : parts) p /= part;
    if (!parts.empty()) candidates.push_back(fs::path(p.generic_string() + ".py"));
    candidates.push_back(p / "__init__.py");
  };
  if (module[0] == '.') {
    std::size_t level = module.find_first_not_of('.');
    if (level == std::string::npos) level = module.size();
    fs::path base = from_dir;
    for (std::size_t i = 1; i < level; ++i) base = base.parent_path();
    add(base, split_dots(std::string_view(module).substr(level)));
  } else {
    std::vector<std::string> parts = split_dots(module);
    if (!options_.project_root.empty()) {
      add(fs::path(options_.project_root), parts);
      add(fs::path(options_.project_root) / "src", parts);
    }
    fs::path d = from_dir;
    for (int i = 0; i < kMaxAncestors; ++i) {
      add(d, parts);
      if (d.empty() || d == d.parent_path()) break;
      d = d.parent_path();
    }
  }
  for (const fs::path& c : candidates) {
    std::string path = c.lexically_normal().generic_string();
    if (path == fs::path(revision_.path).lexically_normal().generic_string()) continue;
    if (auto it = module_cache_.find(path); it != module_cache_.end()) {
      if (it->second != nullptr) return module_cache_[key] = it->second;
      continue;
    }
    if (modules_.size() >= kMaxModules) return nullptr;
    std::optional<std::string> text = options_.read_file(path);
    if (!text || text->size() > kMaxModuleBytes) {
      module_cache_[path] = nullptr;
      continue;
    }
    auto file = std::make_unique<PyFile>();
    file->path = path;
    file->owned_text = std::move(*text);
    file->text = file->owned_text;
    file->tree = std::make_unique<py::Tree>(file->text);
    PyFile* out = file.get();
    modules_.push_back(std::move(file));
    module_cache_[path] = out;
    module_cache_[key] = out;
    load_module(*out);
    return out;
  }
  return nullptr;
}

}  // namespace schemagate::alembic
