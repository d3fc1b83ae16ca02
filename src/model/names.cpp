#include "schemagate/names.hpp"

namespace schemagate::names {

namespace {

// pg_mbcliplen for UTF-8: the longest prefix of at most `n` bytes that ends on a character
// boundary.
std::size_t clip(std::string_view s, std::size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

using Taken = std::function<bool(const std::string&)>;

}  // namespace

std::string make_object_name(std::string_view name1, std::optional<std::string_view> name2,
                             std::string_view label) {
  std::size_t overhead = 0;
  std::size_t name1_bytes = name1.size();
  std::size_t name2_bytes = 0;
  if (name2) {
    name2_bytes = name2->size();
    ++overhead;  // the "_" between them
  }
  if (!label.empty()) overhead += label.size() + 1;
  std::size_t available = kMaxIdentifierBytes > overhead ? kMaxIdentifierBytes - overhead : 0;
  // The longer part loses a byte at a time (ties: name2).
  while (name1_bytes + name2_bytes > available) {
    if (name1_bytes > name2_bytes) {
      --name1_bytes;
    } else {
      --name2_bytes;
    }
  }
  std::string out(name1.substr(0, clip(name1, name1_bytes)));
  if (name2) out += "_" + std::string(name2->substr(0, clip(*name2, name2_bytes)));
  if (!label.empty()) out += "_" + std::string(label);
  return out;
}

std::string columns_addition(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += '_';
    out += c.substr(0, kMaxIdentifierBytes);
    if (out.size() >= kMaxIdentifierBytes + 1) break;  // buflen >= NAMEDATALEN
  }
  return out;
}

std::vector<std::string> index_column_names(const std::vector<std::string>& columns) {
  std::vector<std::string> out;
  for (const std::string& original : columns) {
    std::string name = original;
    for (int i = 1;; ++i) {
      bool clash = false;
      for (const std::string& o : out) clash = clash || o == name;
      if (!clash) break;
      std::string number = std::to_string(i);
      name = original.substr(0, clip(original, kMaxIdentifierBytes - number.size())) + number;
    }
    out.push_back(std::move(name));
  }
  return out;
}

std::string choose(std::string_view name1, std::optional<std::string_view> name2,
                   std::string_view label, const Taken& taken) {
  std::string name = make_object_name(name1, name2, label);
  for (int pass = 1; taken && taken(name); ++pass) {
    name = make_object_name(name1, name2, std::string(label) + std::to_string(pass));
  }
  return name;
}

std::string primary_key(std::string_view table, const Taken& taken) {
  return choose(table, std::nullopt, "pkey", taken);
}

std::string unique_key(std::string_view table, const std::vector<std::string>& columns,
                       const Taken& taken) {
  return choose(table, columns_addition(index_column_names(columns)), "key", taken);
}

std::string exclusion(std::string_view table, const std::vector<std::string>& columns,
                      const Taken& taken) {
  return choose(table, columns_addition(index_column_names(columns)), "excl", taken);
}

std::string index(std::string_view table, const std::vector<std::string>& columns,
                  const Taken& taken) {
  return choose(table, columns_addition(index_column_names(columns)), "idx", taken);
}

std::string foreign_key(std::string_view table, const std::vector<std::string>& columns,
                        const Taken& taken) {
  return choose(table, columns_addition(columns), "fkey", taken);
}

std::string check(std::string_view table, std::optional<std::string_view> column,
                  const Taken& taken) {
  return choose(table, column, "check", taken);
}

std::string sequence(std::string_view table, std::string_view column, const Taken& taken) {
  return choose(table, column, "seq", taken);
}

bool is_numbered_variant(std::string_view name, std::string_view name1,
                         std::optional<std::string_view> name2, std::string_view label) {
  if (name == make_object_name(name1, name2, label)) return true;
  for (int pass = 1; pass <= 1000; ++pass) {
    if (name == make_object_name(name1, name2, std::string(label) + std::to_string(pass))) {
      return true;
    }
  }
  return false;
}

}  // namespace schemagate::names
