// The Python grammar is fetched at build time and links against the system tree-sitter.
#include <tree_sitter/api.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <string>

extern "C" const TSLanguage* tree_sitter_python();

TEST_CASE("tree-sitter-python parses a tiny Alembic snippet") {
  const char* source = "from alembic import op\n\ndef upgrade():\n    op.drop_table('users')\n";
  std::unique_ptr<TSParser, decltype(&ts_parser_delete)> parser(ts_parser_new(), ts_parser_delete);
  REQUIRE(ts_parser_set_language(parser.get(), tree_sitter_python()));
  std::unique_ptr<TSTree, decltype(&ts_tree_delete)> tree(
      ts_parser_parse_string(parser.get(), nullptr, source,
                             static_cast<uint32_t>(std::strlen(source))),
      ts_tree_delete);
  REQUIRE(tree != nullptr);
  TSNode root = ts_tree_root_node(tree.get());
  CHECK(std::string(ts_node_type(root)) == "module");
  CHECK_FALSE(ts_node_has_error(root));
  CHECK(ts_node_named_child_count(root) == 2);
  CHECK(std::string(ts_node_type(ts_node_named_child(root, 1))) == "function_definition");
}
