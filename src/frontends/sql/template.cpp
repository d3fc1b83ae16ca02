#include "frontends/sql/template.hpp"

#include <algorithm>
#include <cctype>

#include "frontends/sql/sql_frontend.hpp"

namespace schemagate::sql {

namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// PostgreSQL truncates longer identifiers (NAMEDATALEN - 1).
constexpr std::size_t kMaxIdentifier = 63;

// `_name` in lower case, other characters as '_'; padded with '_' to `length` when it fits.
std::string neutral_identifier(std::string_view name, std::size_t length) {
  std::string out = "_";
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
               : '_';
  }
  if (out.size() < length && length <= kMaxIdentifier) out.append(length - out.size(), '_');
  return out;
}

std::string quote(std::string_view value, char q) {
  std::string out(1, q);
  for (char c : value) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// A Go-template action without a value of its own (control flow, comments).
bool go_control(std::string_view inner) {
  std::string body = trim(inner);
  if (!body.empty() && body.front() == '-') body = trim(body.substr(1));
  if (!body.empty() && body.back() == '-') body = trim(body.substr(0, body.size() - 1));
  if (body.starts_with("/*")) return true;
  std::string word = body.substr(0, body.find_first_of(" \t\r\n"));
  return word == "if" || word == "else" || word == "end" || word == "range" || word == "with" ||
         word == "define" || word == "template" || word == "block" || word == "break" ||
         word == "continue";
}

// The key a Go-template action reads: "Namespace" for {{ index .Options "Namespace" }},
// "Table" for {{ .Table }}; else the last word.
std::string go_key(std::string_view inner) {
  std::string body = trim(inner);
  if (auto q = body.rfind('"'); q != std::string::npos && q > 0) {
    auto open = body.rfind('"', q - 1);
    if (open != std::string::npos) return body.substr(open + 1, q - open - 1);
  }
  std::size_t end = body.size();
  while (end > 0 && !ident_char(body[end - 1])) --end;
  std::size_t begin = end;
  while (begin > 0 && ident_char(body[begin - 1])) --begin;
  return body.substr(begin, end - begin);
}

class Expander {
 public:
  Expander(std::string_view sql, const Placeholders& values) : sql_(sql), values_(values) {}

  Expanded run() {
    std::size_t i = 0;
    bool line_start = true;
    while (i < sql_.size()) {
      char c = sql_[i];
      if (sql_.substr(i, 2) == "${") {
        if (auto close = sql_.find('}', i + 2);
            close != std::string_view::npos &&
            sql_.substr(i, close - i).find('\n') == std::string_view::npos) {
          std::string name(sql_.substr(i + 2, close - i - 2));
          replace(i, close + 1, value_or_neutral(name, close + 1 - i, i, close + 1));
          i = close + 1;
          line_start = false;
          continue;
        }
      }
      if (sql_.substr(i, 2) == "{{") {
        if (auto close = sql_.find("}}", i + 2); close != std::string_view::npos) {
          std::string_view inner = sql_.substr(i + 2, close - i - 2);
          std::size_t end = close + 2;
          if (go_control(inner)) {
            replace(i, end, std::string(end - i, ' '));
          } else {
            replace(i, end, value_or_neutral(go_key(inner), end - i, i, end));
          }
          i = end;
          line_start = false;
          continue;
        }
      }
      if (line_start && c == '\\') {
        // A psql meta-command (\set, \connect, \i, ...) runs in psql, not in PostgreSQL.
        std::size_t end = sql_.find_first_of("\r\n", i);
        if (end == std::string_view::npos) end = sql_.size();
        remember_set(sql_.substr(i, end - i));
        replace(i, end, std::string(end - i, ' '));
        i = end;
        continue;
      }
      if (c == '\n' || c == '\r') {
        line_start = true;
        copy(i++);
        continue;
      }
      if (c == ' ' || c == '\t') {
        copy(i++);
        continue;
      }
      line_start = false;
      if (c == '\'' || c == '"') {
        i = skip_quoted(i, c);
        continue;
      }
      if (sql_.substr(i, 2) == "--") {
        std::size_t end = sql_.find_first_of("\r\n", i);
        i = copy_to(i, end == std::string_view::npos ? sql_.size() : end);
        continue;
      }
      if (sql_.substr(i, 2) == "/*") {
        i = skip_block_comment(i);
        continue;
      }
      if (c == '$') {
        if (std::size_t end = dollar_quote_end(i); end != 0) {
          i = copy_to(i, end);
          continue;
        }
      }
      if (c == ':' && psql_variable(i)) continue;
      copy(i++);
    }
    return std::move(out_);
  }

 private:
  void copy(std::size_t i) { out_.text += sql_[i]; }
  std::size_t copy_to(std::size_t i, std::size_t end) {
    // Templates inside strings and dollar quotes are expanded too (Flyway and Go templates
    // do), psql variables are not (psql doesn't).
    while (i < end) {
      if (sql_.substr(i, 2) == "${" || sql_.substr(i, 2) == "{{") {
        std::size_t close = sql_.find(sql_[i] == '$' ? "}" : "}}", i + 2);
        if (close != std::string_view::npos && close < end) {
          std::size_t stop = close + (sql_[i] == '$' ? 1 : 2);
          if (sql_[i] == '$') {
            std::string name(sql_.substr(i + 2, close - i - 2));
            replace(i, stop, value_or_neutral(name, stop - i, i, stop));
          } else {
            std::string_view inner = sql_.substr(i + 2, close - i - 2);
            replace(i, stop,
                    go_control(inner) ? std::string(stop - i, ' ')
                                      : value_or_neutral(go_key(inner), stop - i, i, stop));
          }
          i = stop;
          continue;
        }
      }
      copy(i++);
    }
    return end;
  }

  // Where the Flyway placeholder or Go-template action that opens at `i` ends; npos when
  // none does. Templates are expanded before SQL is read: a quote inside one
  // (`"{{ index .Options "Namespace" }}".users`) does not end the quoted text around it.
  [[nodiscard]] std::size_t template_end(std::size_t i) const {
    if (sql_.substr(i, 2) == "{{") {
      std::size_t close = sql_.find("}}", i + 2);
      return close == std::string_view::npos ? close : close + 2;
    }
    if (sql_.substr(i, 2) == "${") {
      std::size_t close = sql_.find_first_of("}\n", i + 2);
      return close == std::string_view::npos || sql_[close] != '}' ? std::string_view::npos
                                                                   : close + 1;
    }
    return std::string_view::npos;
  }

  std::size_t skip_quoted(std::size_t i, char q) {
    std::size_t j = i + 1;
    while (j < sql_.size()) {
      if (std::size_t t = template_end(j); t != std::string_view::npos) {
        j = t;
        continue;
      }
      if (sql_[j] == q) {
        if (j + 1 < sql_.size() && sql_[j + 1] == q) {
          j += 2;
          continue;
        }
        ++j;
        break;
      }
      ++j;
    }
    return copy_to(i, j);
  }

  std::size_t skip_block_comment(std::size_t i) {
    std::size_t j = block_comment_end(sql_, i, sql_.size());
    for (; i < j; ++i) copy(i);
    return j;
  }

  // The end of a dollar-quoted string starting at `i` ($$...$$, $tag$...$tag$); 0 if none.
  [[nodiscard]] std::size_t dollar_quote_end(std::size_t i) const {
    if (i > 0 && ident_char(sql_[i - 1])) return 0;  // $1 or a name containing $
    std::size_t j = i + 1;
    while (j < sql_.size() && ident_char(sql_[j]) &&
           !std::isdigit(static_cast<unsigned char>(sql_[i + 1]))) {
      ++j;
    }
    if (j >= sql_.size() || sql_[j] != '$') return 0;
    std::string_view tag = sql_.substr(i, j - i + 1);
    std::size_t close = sql_.find(tag, j + 1);
    return close == std::string_view::npos ? sql_.size() : close + tag.size();
  }

  // :name, :'name', :"name" at `i`; replaced when it is one.
  bool psql_variable(std::size_t& i) {
    if (i > 0 && (sql_[i - 1] == ':' || ident_char(sql_[i - 1]) || sql_[i - 1] == ']' ||
                  sql_[i - 1] == ')')) {
      return false;
    }
    if (i + 1 >= sql_.size()) return false;
    char next = sql_[i + 1];
    if (next == '\'' || next == '"') {
      std::size_t close = sql_.find(next, i + 2);
      if (close == std::string_view::npos) return false;
      std::string name(sql_.substr(i + 2, close - i - 2));
      if (name.empty() || !std::all_of(name.begin(), name.end(), ident_char)) return false;
      std::size_t end = close + 1;
      auto it = values_.find(name);
      std::string text;
      if (it != values_.end()) {
        text = quote(it->second, next);
      } else {
        std::string id = neutral_identifier(name, end - i - 2);
        text = std::string(1, next) + id + next;
      }
      replace(i, end, text);
      i = end;
      return true;
    }
    if (!std::isalpha(static_cast<unsigned char>(next)) && next != '_') return false;
    std::size_t end = i + 1;
    while (end < sql_.size() && ident_char(sql_[end])) ++end;
    std::string name(sql_.substr(i + 1, end - i - 1));
    replace(i, end, value_or_neutral(name, end - i, i, end));
    i = end;
    return true;
  }

  // `\set name value` gives later :name its value.
  void remember_set(std::string_view line) {
    if (!line.starts_with("\\set ")) return;
    std::string rest = trim(line.substr(5));
    auto space = rest.find_first_of(" \t");
    if (space == std::string::npos) return;
    std::string name = rest.substr(0, space);
    std::string value = trim(rest.substr(space));
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      value = value.substr(1, value.size() - 2);
    }
    set_values_.emplace(name, value);
  }

  std::string value_or_neutral(const std::string& name, std::size_t length, std::size_t begin,
                               std::size_t end) {
    if (auto it = values_.find(name); it != values_.end()) return it->second;
    if (auto it = set_values_.find(name); it != set_values_.end()) return it->second;
    std::string id = neutral_identifier(name, length);
    std::string written(sql_.substr(begin, end - begin));
    auto same = [&](const auto& p) { return p.first == id && p.second == written; };
    if (std::none_of(out_.neutral.begin(), out_.neutral.end(), same)) {
      out_.neutral.emplace_back(id, std::move(written));
    }
    return id;
  }

  void replace(std::size_t begin, std::size_t end, const std::string& text) {
    TemplateEdit e;
    e.in_begin = begin;
    e.in_end = end;
    e.out_begin = out_.text.size();
    out_.text += text;
    e.out_end = out_.text.size();
    out_.edits.push_back(e);
  }

  std::string_view sql_;
  const Placeholders& values_;
  Placeholders set_values_;
  Expanded out_;
};

}  // namespace

ByteRange Expanded::to_source(ByteRange r) const {
  auto map = [&](std::size_t o, bool is_end) {
    std::size_t shift_out = 0;
    std::size_t shift_in = 0;
    for (const TemplateEdit& e : edits) {
      if (e.out_begin > o || (e.out_begin == o && !is_end)) break;
      if (o < e.out_end || (is_end && o == e.out_end)) {
        // Inside a replacement: all of what it replaced.
        return !is_end || o == e.out_begin ? e.in_begin : e.in_end;
      }
      shift_out = e.out_end;
      shift_in = e.in_end;
    }
    return shift_in + (o - shift_out);
  };
  if (edits.empty()) return r;
  std::size_t begin = map(r.begin, false);
  std::size_t end = map(r.end, true);
  return {begin, std::max(begin, end)};
}

Expanded expand_templates(std::string_view sql, const Placeholders& values) {
  return Expander(sql, values).run();
}

void lower_file_part(const SourceFile& file, ByteRange part, const Placeholders& values,
                     const LowerOptions& options, std::vector<Operation>& ops,
                     std::vector<FrontendIssue>& issues,
                     std::vector<std::pair<std::string, std::string>>* written_as) {
  std::string_view text = std::string_view(file.text).substr(part.begin, part.end - part.begin);
  Expanded expanded = expand_templates(text, values);
  if (written_as != nullptr) {
    for (auto& n : expanded.neutral) {
      if (std::find(written_as->begin(), written_as->end(), n) == written_as->end()) {
        written_as->push_back(n);
      }
    }
  }
  RangeMap map = [&expanded, base = part.begin](ByteRange r) {
    ByteRange s = expanded.to_source(r);
    return ByteRange{s.begin + base, s.end + base};
  };
  lower(expanded.text, map, options, ops, issues);
}

Migration parse_file(const SourceFile& file, const Placeholders& values) {
  Migration m;
  m.file = &file;
  m.layout = Layout::sql;
  m.runner_transaction = RunnerTransaction::none;
  // A byte order mark is not SQL: lower what follows it.
  std::size_t bom = bom_length(file.text);
  lower_file_part(file, {bom, file.text.size()}, values, LowerOptions{}, m.upgrade, m.issues,
                  &m.written_as);
  return m;
}

}  // namespace schemagate::sql
