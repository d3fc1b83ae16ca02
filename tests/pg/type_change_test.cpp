// ALTER COLUMN TYPE without USING, against a real server: PostgreSQL refuses the change where
// there is no assignment cast ("column ... cannot be cast automatically to type ...", SQLSTATE
// 42804), and changing-column-type then says the statement fails instead of describing a
// rewrite. Every pair of the built-in types refused_without_using knows (locks.hpp) is run in
// the private cluster; each answer the model gives must be what the server does.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "pg/cluster.hpp"
#include "schemagate/locks.hpp"

namespace {

using schemagate::TypeName;
using schemagate::pg::Cluster;
using schemagate::pg::QueryError;

struct Spelled {
  std::string sql;
  TypeName type;
};

TypeName type(std::string name, std::vector<std::int64_t> modifiers = {}) {
  TypeName t;
  t.text = name;
  t.name = std::move(name);
  t.modifiers = std::move(modifiers);
  return t;
}

}  // namespace

TEST_CASE("type change: PostgreSQL refuses without USING exactly where the model says") {
  const std::vector<Spelled> types = {
      {"text", type("text")},
      {"varchar(255)", type("varchar", {255})},
      {"char(10)", type("bpchar", {10})},
      {"smallint", type("int2")},
      {"integer", type("int4")},
      {"bigint", type("int8")},
      {"real", type("float4")},
      {"double precision", type("float8")},
      {"numeric(10,2)", type("numeric", {10, 2})},
      {"boolean", type("bool")},
      {"date", type("date")},
      {"timestamp", type("timestamp")},
      {"timestamptz", type("timestamptz")},
      {"time", type("time")},
      {"timetz", type("timetz")},
      {"interval", type("interval")},
      {"uuid", type("uuid")},
      {"json", type("json")},
      {"jsonb", type("jsonb")},
      {"bytea", type("bytea")},
      {"mood", type("enum")},  // an enum, as Alembic's sa.Enum reads
  };
  Cluster cluster;
  auto c = cluster.connect();
  c.exec("CREATE TYPE mood AS ENUM ('happy', 'sad')");
  std::size_t refused = 0;
  std::size_t converted = 0;
  for (const Spelled& from : types) {
    for (const Spelled& to : types) {
      if (&from == &to) continue;
      const std::optional<bool> model = schemagate::refused_without_using(from.type, to.type);
      REQUIRE(model.has_value());  // every pair of the list is known
      c.exec("BEGIN");
      c.exec("CREATE TABLE t (c " + from.sql + ")");
      std::string state;
      try {
        c.exec("ALTER TABLE t ALTER COLUMN c TYPE " + to.sql);
      } catch (const QueryError& e) {
        state = e.sqlstate();
      }
      c.exec("ROLLBACK");
      INFO(from.sql << " -> " << to.sql << ": SQLSTATE '" << state << "'");
      CHECK((state == "42804") == *model);
      CHECK((state.empty() || state == "42804"));
      (*model ? refused : converted) += 1;
    }
  }
  std::printf("type change: %zu pairs refused, %zu converted, as modelled\n", refused, converted);
  // Unknown types are not guessed.
  CHECK_FALSE(schemagate::refused_without_using(type("mood"), type("int4")).has_value());
  CHECK_FALSE(schemagate::refused_without_using(type("enum"), type("enum")).has_value());
  TypeName array = type("int4");
  array.array = true;
  CHECK_FALSE(schemagate::refused_without_using(array, type("text")).has_value());
}
