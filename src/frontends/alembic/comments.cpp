// The comments of a Python file, for inline ignores.
#include "frontends/alembic/alembic_frontend.hpp"
#include "frontends/alembic/python.hpp"

namespace schemagate::alembic {

std::vector<ByteRange> comment_ranges(std::string_view text) {
  std::vector<ByteRange> out;
  py::Tree tree(text);
  py::Node root = tree.root();
  if (py::null(root)) return out;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  // Iterative pre-order walk: deep nesting can't overflow the stack.
  for (bool more = true; more;) {
    TSNode n = ts_tree_cursor_current_node(&cursor);
    if (py::is(n, "comment")) out.push_back(py::range(n));
    if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        more = false;
        break;
      }
    }
  }
  ts_tree_cursor_delete(&cursor);
  return out;
}

}  // namespace schemagate::alembic
