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

namespace {

// A docstring: a string alone as the first statement of a module, class or function body.
bool docstring(py::Node n) {
  if (!py::is(n, "expression_statement")) return false;
  std::vector<py::Node> kids = py::named_children(n);
  if (kids.size() != 1 || !py::is(kids[0], "string")) return false;
  py::Node parent = ts_node_parent(n);
  if (py::null(parent)) return false;
  bool body = py::is(parent, "module") ||
              (py::is(parent, "block") && (py::is(ts_node_parent(parent), "function_definition") ||
                                           py::is(ts_node_parent(parent), "class_definition")));
  if (!body) return false;
  std::vector<py::Node> statements = py::named_children(parent);
  for (py::Node s : statements) {
    if (py::is(s, "comment")) continue;
    return ts_node_eq(s, n);
  }
  return false;
}

}  // namespace

std::string significant_tokens(std::string_view text) {
  std::string out;
  py::Tree tree(text);
  py::Node root = tree.root();
  if (py::null(root)) return std::string(text);
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  // Iterative pre-order walk: deep nesting can't overflow the stack.
  for (bool more = true; more;) {
    TSNode n = ts_tree_cursor_current_node(&cursor);
    bool skip = py::is(n, "comment") || docstring(n);
    // A string is one token, escapes and all (its content is not all in leaves).
    bool atom = py::is(n, "string") || ts_node_child_count(n) == 0;
    if (!skip && atom) {
      out += py::text(text, n);
      out += '\n';
    }
    if (!skip && !atom && ts_tree_cursor_goto_first_child(&cursor)) continue;
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
