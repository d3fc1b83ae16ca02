// The parser floor of the benchmark: the least work any linter built on the same parsers has
// to do. Reads every file and parses it, nothing else: SQL with libpg_query (the JSON parse
// tree that schemagate's SQL frontend reads, or the cheaper protobuf one), Python with
// tree-sitter and tree-sitter-python. Files are shared out to N threads like a work queue.
//
//   schemagate-floor sql [--api json|protobuf] [-j N] PATH...
//   schemagate-floor python [-j N] PATH...
//
// A directory is walked for *.sql (sql) or *.py (python) files. -j 0 (the default) uses
// std::thread::hardware_concurrency() threads. Prints one line of counts to stdout; the exit
// code is 0, or 2 on a usage error or an unreadable file.
#include <pg_query.h>
#include <tree_sitter/api.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern "C" const TSLanguage* tree_sitter_python();

namespace {

namespace fs = std::filesystem;

enum class Language { sql, python };
enum class Api { json, protobuf };

struct Totals {
  std::atomic<std::size_t> bytes{0};
  std::atomic<std::size_t> output_bytes{0};  // JSON or protobuf bytes; top-level Python statements
  std::atomic<std::size_t> errors{0};
  std::atomic<std::size_t> unreadable{0};
};

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream b;
  b << in.rdbuf();
  out = std::move(b).str();
  return true;
}

void parse_sql(const std::string& text, Api api, Totals& t) {
  if (api == Api::json) {
    PgQueryParseResult r = pg_query_parse(text.c_str());
    if (r.error != nullptr) ++t.errors;
    if (r.parse_tree != nullptr) t.output_bytes += std::string_view(r.parse_tree).size();
    pg_query_free_parse_result(r);
  } else {
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(text.c_str());
    if (r.error != nullptr) ++t.errors;
    t.output_bytes += r.parse_tree.len;
    pg_query_free_protobuf_parse_result(r);
  }
}

void parse_python(TSParser* parser, const std::string& text, Totals& t) {
  TSTree* tree =
      ts_parser_parse_string(parser, nullptr, text.data(), static_cast<uint32_t>(text.size()));
  if (tree == nullptr) {
    ++t.errors;
    return;
  }
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root)) ++t.errors;
  t.output_bytes += ts_node_child_count(root);
  ts_tree_delete(tree);
}

void worker(const std::vector<fs::path>& files, std::atomic<std::size_t>& next, Language lang,
            Api api, Totals& t) {
  TSParser* parser = nullptr;
  if (lang == Language::python) {
    parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_python());
  }
  std::string text;
  for (std::size_t i = next++; i < files.size(); i = next++) {
    if (!read_file(files[i], text)) {
      ++t.unreadable;
      continue;
    }
    t.bytes += text.size();
    if (lang == Language::sql) {
      parse_sql(text, api, t);
    } else {
      parse_python(parser, text, t);
    }
  }
  if (parser != nullptr) ts_parser_delete(parser);
}

int usage(const char* msg) {
  std::cerr << "schemagate-floor: " << msg << "\n"
            << "usage: schemagate-floor sql [--api json|protobuf] [-j N] PATH...\n"
            << "       schemagate-floor python [-j N] PATH...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("missing language");
  std::string_view lang_arg = argv[1];
  Language lang;
  if (lang_arg == "sql") {
    lang = Language::sql;
  } else if (lang_arg == "python") {
    lang = Language::python;
  } else {
    return usage("language must be sql or python");
  }
  Api api = Api::json;
  unsigned threads = 0;
  std::vector<fs::path> paths;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if ((a == "-j" || a == "--api") && i + 1 >= argc) return usage("option needs a value");
    if (a == "-j") {
      threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--api") {
      std::string_view v = argv[++i];
      if (v == "json") {
        api = Api::json;
      } else if (v == "protobuf") {
        api = Api::protobuf;
      } else {
        return usage("--api must be json or protobuf");
      }
    } else {
      paths.emplace_back(a);
    }
  }
  if (paths.empty()) return usage("no path");
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());

  const std::string ext = lang == Language::sql ? ".sql" : ".py";
  std::vector<fs::path> files;
  for (const fs::path& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ext && it->is_regular_file(ec)) files.push_back(it->path());
      }
      if (ec) {
        std::cerr << "schemagate-floor: " << p.string() << ": " << ec.message() << "\n";
        return 2;
      }
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());

  Totals totals;
  std::atomic<std::size_t> next{0};
  threads =
      std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, files.size())));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back(worker, std::cref(files), std::ref(next), lang, api, std::ref(totals));
  }
  worker(files, next, lang, api, totals);
  for (std::thread& th : pool) th.join();

  std::printf("language=%s api=%s threads=%u files=%zu bytes=%zu output=%zu errors=%zu\n",
              lang == Language::sql ? "sql" : "python",
              lang == Language::python ? "tree-sitter"
              : api == Api::json       ? "json"
                                       : "protobuf",
              threads, files.size(), totals.bytes.load(), totals.output_bytes.load(),
              totals.errors.load());
  if (totals.unreadable > 0) {
    std::cerr << "schemagate-floor: " << totals.unreadable << " unreadable file(s)\n";
    return 2;
  }
  return 0;
}
