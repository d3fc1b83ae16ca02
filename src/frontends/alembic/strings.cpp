// Strings a revision builds: f-string fields, `%` and .format() with values known
// statically (a constant, a loop variable over a known list) are filled in; str.join of known
// strings is known; names with parts known only at run time keep those parts as written.
#include <map>
#include <set>
#include <string>

#include "frontends/alembic/interp.hpp"

namespace schemagate::alembic {

namespace {

// A known string or integer, as `%s`, `{}` or an f-string field would put it in a string.
std::optional<std::string> formatted_value(const Value& v) {
  if (auto s = string_value(v)) return s;
  if (v.kind == ValueKind::number && v.file != nullptr && py::is(v.node, "integer")) {
    return std::string(py::text(v.file->text, v.node));
  }
  return std::nullopt;
}

// Fills the conversion holes that `%` or .format() made (those of `formatted` that `before`
// did not have), in order: `pick` gets each conversion as written ("%s", "{0}", "{name}")
// and its ordinal, and returns its value (nullopt: it stays a hole).
template <typename Pick>
py::Literal fill_conversions(const py::Literal& before, const py::Literal& formatted,
                             std::string_view text, Pick pick) {
  std::set<std::size_t> old;
  for (std::size_t h : before.holes) old.insert(before.source[h].begin);
  std::map<std::size_t, std::string> known;
  std::size_t ordinal = 0;
  for (std::size_t h : formatted.holes) {
    ByteRange r = formatted.source[h];
    if (old.contains(r.begin)) continue;
    if (r.end > text.size() || r.begin >= r.end) return formatted;
    if (auto value = pick(text.substr(r.begin, r.end - r.begin), ordinal++)) {
      known[r.begin] = *value;
    }
  }
  return known.empty() ? formatted : py::with_filled_holes(formatted, known);
}

}  // namespace

std::optional<std::string> name_value(const Value& v) {
  if (v.kind != ValueKind::string || !v.literal) return std::nullopt;
  const py::Literal& lit = *v.literal;
  if (!lit.dynamic()) return lit.value;
  if (v.file == nullptr || lit.source.size() != lit.value.size()) return std::nullopt;
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < lit.value.size(); ++i) {
    while (next < lit.holes.size() && lit.holes[next] < i) ++next;
    if (next >= lit.holes.size() || lit.holes[next] != i) {
      out += lit.value[i];
      continue;
    }
    ByteRange r = lit.source[i];
    if (r.end > v.file->text.size() || r.begin >= r.end) return std::nullopt;
    std::string_view written = v.file->text.substr(r.begin, r.end - r.begin);
    if (written.starts_with('{')) {
      out += written;
    } else {
      out += "{" + std::string(written) + "}";
    }
  }
  return out;
}

void Interp::fill_fields(Value& v, py::Node e, Frame& f, int depth) {
  // Every field is evaluated, for its effects and its value.
  std::vector<py::Node> fields;
  for (py::Node part : py::named_children(e)) {
    if (py::is(part, "interpolation")) fields.push_back(part);
    for (py::Node x : py::named_children(part)) {
      if (py::is(x, "interpolation")) fields.push_back(x);
    }
  }
  std::map<std::size_t, std::string> known;
  for (py::Node x : fields) {
    Value fv = eval(py::field(x, "expression"), f, depth + 1);
    if (ts_node_named_child_count(x) != 1) continue;  // !r, :>10, =
    if (auto s = formatted_value(fv)) known[ts_node_start_byte(x)] = *s;
  }
  if (!known.empty()) {
    v.literal = std::make_shared<const py::Literal>(py::with_filled_holes(*v.literal, known));
  }
}

Value Interp::percent_format(const Value& left, const Value& right, py::Node e) {
  Value v = left;
  v.node = e;
  py::Literal formatted = py::with_percent_holes(*left.literal);
  if (formatted.dynamic() && left.file != nullptr && right.kind != ValueKind::unknown) {
    // "UPDATE %s SET ..." % TABLE: conversions of known values are filled in.
    std::vector<Value> values = right.kind == ValueKind::list && py::is(right.node, "tuple")
                                    ? right.items
                                    : std::vector<Value>{right};
    formatted = fill_conversions(
        *left.literal, formatted, left.file->text, [&](std::string_view conv, std::size_t i) {
          bool ok = conv == "%s" || conv == "%d" || conv == "%i";
          return ok && i < values.size() ? formatted_value(values[i]) : std::nullopt;
        });
  }
  v.literal = std::make_shared<const py::Literal>(std::move(formatted));
  if (!v.literal->dynamic() && v.literal->value == left.literal->value) {
    // No conversion in the text: `%` leaves it as it is, except that it is run time.
    auto lit = *v.literal;
    lit.append_hole(py::range(py::field(e, "right")), "% formatting");
    v.literal = std::make_shared<const py::Literal>(std::move(lit));
  }
  return v;
}

std::optional<Value> Interp::string_method(const Value& recv, std::string_view name, py::Node call,
                                           const Args& args, Frame& f, int depth) {
  if (!recv.literal) return std::nullopt;
  Arg first = args.at(0);
  if (name == "format") {
    // Each argument is evaluated once, for its effects and its value (twice would make
    // nested .format() calls cost two to the power of their depth).
    std::vector<Value> positional;
    for (const Arg& a : args.positional) positional.push_back(arg(a, f, depth));
    std::vector<std::pair<std::string_view, Value>> keywords;
    for (const auto& [k, a] : args.keywords) keywords.emplace_back(k, arg(a, f, depth));
    Value v = recv;
    v.node = call;
    py::Literal formatted = py::with_format_holes(*recv.literal);
    if (formatted.dynamic() && recv.file != nullptr) {
      // "DELETE FROM {}".format(TABLE): fields of known values are filled in.
      std::size_t automatic = 0;
      formatted = fill_conversions(
          *recv.literal, formatted, recv.file->text,
          [&](std::string_view field, std::size_t) -> std::optional<std::string> {
            std::string_view key = field.substr(1, field.size() - 2);
            if (key.find_first_of(":!{}[].") != std::string_view::npos) return std::nullopt;
            const Value* value = nullptr;
            if (key.empty()) {
              std::size_t i = automatic++;
              if (i < positional.size()) value = &positional[i];
            } else if (key.find_first_not_of("0123456789") == std::string_view::npos) {
              std::size_t i = key.size() < 4 ? std::stoul(std::string(key)) : positional.size();
              if (i < positional.size()) value = &positional[i];
            } else {
              for (const auto& [k, kv] : keywords) {
                if (k == key && value == nullptr) value = &kv;
              }
            }
            return value == nullptr ? std::nullopt : formatted_value(*value);
          });
    }
    v.literal = std::make_shared<const py::Literal>(std::move(formatted));
    if (!v.literal->dynamic() && v.literal->value == recv.literal->value &&
        !args.positional.empty()) {
      auto lit = *v.literal;
      lit.append_hole(py::range(call), ".format()");
      v.literal = std::make_shared<const py::Literal>(std::move(lit));
    }
    return v;
  }
  if (name == "join" && !recv.literal->dynamic() && !first.null()) {
    // ", ".join(["a", "b"]): known when every item is.
    Value items = arg(first, f, depth);
    Value unknown = make(ValueKind::unknown, call, f);
    if (items.kind != ValueKind::list) return unknown;
    py::Literal lit;
    lit.whole = py::range(call);
    for (std::size_t i = 0; i < items.items.size(); ++i) {
      auto s = string_value(items.items[i]);
      if (!s) return unknown;
      if (i > 0) lit.value += recv.literal->value;
      lit.value += *s;
    }
    lit.source.assign(lit.value.size(), lit.whole);
    Value v = make(ValueKind::string, call, f);
    v.literal = std::make_shared<const py::Literal>(std::move(lit));
    return v;
  }
  for (std::string_view same :
       {"strip", "lstrip", "rstrip", "bindparams", "columns", "execution_options", "params"}) {
    if (name != same) continue;
    arg_effects(args, f, depth);
    return recv;
  }
  return std::nullopt;
}

}  // namespace schemagate::alembic
