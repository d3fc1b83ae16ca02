// The names PostgreSQL gives indexes and constraints created without one (src/model/names.cpp,
// which incomplete-downgrade and the reversals of a downgrade rely on), against a real server:
// each object is created in the private cluster (its database is UTF8, so that a multibyte
// name is cut on a character boundary) and the name found in pg_constraint / pg_class must be
// the one names.hpp computes. Also what a downgrade relies on when it does not drop an object
// itself: DROP COLUMN drops the indexes and constraints on the column, DROP TABLE its indexes
// and partitions.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pg/cluster.hpp"
#include "schemagate/names.hpp"

namespace {

using schemagate::pg::Cluster;
namespace names = schemagate::names;

// A name as SQL: double-quoted.
std::string q(const std::string& name) { return "\"" + name + "\""; }

// The names of `table`'s constraints of type `contype`, oldest first.
std::vector<std::string> constraints(schemagate::pg::Connection& c, const std::string& table,
                                     const std::string& contype) {
  std::vector<std::string> out;
  for (const auto& row : c.query("SELECT conname FROM pg_constraint WHERE conrelid = '" + q(table) +
                                 "'::regclass AND contype = '" + contype + "' ORDER BY oid")) {
    out.push_back(row[0]);
  }
  return out;
}

// The names of `table`'s indexes, oldest first.
std::vector<std::string> indexes(schemagate::pg::Connection& c, const std::string& table) {
  std::vector<std::string> out;
  for (const auto& row : c.query("SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = "
                                 "x.indexrelid WHERE x.indrelid = '" +
                                 q(table) + "'::regclass ORDER BY i.oid")) {
    out.push_back(row[0]);
  }
  return out;
}

}  // namespace

TEST_CASE("automatic names: PostgreSQL names constraints and indexes as names.hpp does") {
  Cluster cluster;
  auto c = cluster.connect();
  REQUIRE(c.value("SHOW server_encoding") == "UTF8");

  SECTION("CHECK: <table>_<column>_check on one column, <table>_check otherwise") {
    // Column-level or table-level does not matter: the columns the expression uses do.
    c.exec(
        "CREATE TABLE prices (a int CHECK (a > 0), b int, c int, CHECK (b > 0), CHECK (a < b), "
        "CHECK (true))");
    c.exec("ALTER TABLE prices ADD CHECK (c IS NOT NULL) NOT VALID");
    c.exec("ALTER TABLE prices ADD CHECK (c > a) NOT VALID");
    auto taken = [&](const std::string& n) {
      auto have = constraints(c, "prices", "c");
      return std::find(have.begin(), have.end(), n) != have.end();
    };
    std::vector<std::string> have = constraints(c, "prices", "c");
    std::sort(have.begin(), have.end());
    CHECK(have == std::vector<std::string>{"prices_a_check", "prices_b_check", "prices_c_check",
                                           "prices_check", "prices_check1", "prices_check2"});
    CHECK(names::check("prices", "a") == "prices_a_check");
    CHECK(names::check("prices", std::nullopt) == "prices_check");
    // The next one on no single column is numbered past the ones taken.
    CHECK(names::check("prices", std::nullopt, taken) == "prices_check3");
    CHECK(names::is_numbered_variant("prices_check2", "prices", std::nullopt, "check"));
    CHECK_FALSE(names::is_numbered_variant("prices_c_check", "prices", std::nullopt, "check"));
  }

  SECTION("FOREIGN KEY, UNIQUE, PRIMARY KEY, EXCLUDE, index and serial sequence") {
    c.exec("CREATE TABLE owners (id int PRIMARY KEY)");
    c.exec("CREATE TABLE items (id int, owner_id int, a int, b int, code text, r int4range)");
    c.exec("ALTER TABLE items ADD PRIMARY KEY (id)");
    c.exec("ALTER TABLE items ADD FOREIGN KEY (owner_id) REFERENCES owners (id) NOT VALID");
    c.exec("ALTER TABLE items ADD FOREIGN KEY (owner_id) REFERENCES owners (id) NOT VALID");
    c.exec("ALTER TABLE items ADD UNIQUE (id, a)");
    c.exec("ALTER TABLE items ADD FOREIGN KEY (owner_id, a) REFERENCES items (id, a) NOT VALID");
    CHECK(constraints(c, "owners", "p") == std::vector<std::string>{names::primary_key("owners")});
    CHECK(constraints(c, "items", "p") == std::vector<std::string>{names::primary_key("items")});
    std::vector<std::string> fks = constraints(c, "items", "f");
    REQUIRE(fks.size() == 3);
    CHECK(fks[0] == names::foreign_key("items", {"owner_id"}));
    CHECK(fks[1] == names::foreign_key("items", {"owner_id"},
                                       [&](const std::string& n) { return n == fks[0]; }));
    CHECK(fks[1] == "items_owner_id_fkey1");
    CHECK(fks[2] == names::foreign_key("items", {"owner_id", "a"}));
    c.exec("ALTER TABLE items ADD UNIQUE (a, b)");
    // Two in one statement: the second is numbered past the first.
    c.exec("CREATE TABLE pairs (shop_id int, code text)");
    c.exec("ALTER TABLE pairs ADD UNIQUE (shop_id, code), ADD UNIQUE (shop_id, code)");
    std::vector<std::string> pairs = constraints(c, "pairs", "u");
    REQUIRE(pairs.size() == 2);
    CHECK(pairs[0] == names::unique_key("pairs", {"shop_id", "code"}));
    CHECK(pairs[1] == names::unique_key("pairs", {"shop_id", "code"},
                                        [&](const std::string& n) { return n == pairs[0]; }));
    CHECK(pairs[1] == "pairs_shop_id_code_key1");
    c.exec("ALTER TABLE items ADD EXCLUDE USING gist (r WITH &&)");
    CHECK(constraints(c, "items", "u") ==
          std::vector<std::string>{names::unique_key("items", {"id", "a"}),
                                   names::unique_key("items", {"a", "b"})});
    CHECK(constraints(c, "items", "x") ==
          std::vector<std::string>{names::exclusion("items", {"r"})});
    c.exec("CREATE INDEX ON items (code)");
    c.exec("CREATE INDEX ON items (code)");
    c.exec("CREATE INDEX ON items (a, a)");
    std::vector<std::string> idx = indexes(c, "items");
    // pkey, two unique, exclusion, then the three plain ones.
    REQUIRE(idx.size() == 7);
    CHECK(idx[4] == names::index("items", {"code"}));
    CHECK(idx[5] == "items_code_idx1");
    CHECK(names::is_numbered_variant(idx[5], "items", "code", "idx"));
    CHECK(idx[6] == names::index("items", {"a", "a"}));
    CHECK(idx[6] == "items_a_a1_idx");
    c.exec("CREATE TABLE counters (id serial)");
    CHECK(c.value("SELECT pg_get_serial_sequence('counters', 'id')") ==
          "public." + names::sequence("counters", "id"));
  }

  SECTION("63 bytes: the longer part loses a byte at a time, never half a character") {
    const std::string table = "subscriptions_of_customers_with_a_rather_long_descriptive_name";
    const std::string column = "identifier_of_the_customer_who_owns_the_subscription";
    c.exec("CREATE TABLE owners2 (id int PRIMARY KEY)");
    c.exec("CREATE TABLE " + q(table) + " (" + q(column) + " int)");
    c.exec("ALTER TABLE " + q(table) + " ADD FOREIGN KEY (" + q(column) +
           ") REFERENCES owners2 (id) NOT VALID");
    c.exec("ALTER TABLE " + q(table) + " ADD FOREIGN KEY (" + q(column) +
           ") REFERENCES owners2 (id) NOT VALID");
    std::vector<std::string> fks = constraints(c, table, "f");
    REQUIRE(fks.size() == 2);
    CHECK(fks[0] == names::foreign_key(table, {column}));
    CHECK(fks[0] == "subscriptions_of_customers_wi_identifier_of_the_customer_w_fkey");
    // The number's digit is taken from the names, not added after them.
    CHECK(fks[1] ==
          names::foreign_key(table, {column}, [&](const std::string& n) { return n == fks[0]; }));
    CHECK(fks[1].size() == 63);
    CHECK(names::is_numbered_variant(fks[1], table, column, "fkey"));
    // Multibyte: "é" is two bytes; a cut inside it keeps the character out.
    const std::string mtable = "échéances_échéances_échéances_échéances_é";  // 50 bytes
    const std::string mcolumn = "numéro_numéro_numéro_numéro_numéro";        // 39 bytes
    REQUIRE(mtable.size() == 50);
    c.exec("CREATE TABLE " + q(mtable) + " (" + q(mcolumn) + " int)");
    c.exec("ALTER TABLE " + q(mtable) + " ADD CHECK (" + q(mcolumn) + " > 0)");
    c.exec("CREATE INDEX ON " + q(mtable) + " (" + q(mcolumn) + ")");
    c.exec("ALTER TABLE " + q(mtable) + " ADD UNIQUE (" + q(mcolumn) + ")");
    std::vector<std::string> checks = constraints(c, mtable, "c");
    REQUIRE(checks.size() == 1);
    CHECK(checks[0] == names::check(mtable, mcolumn));
    CHECK(checks[0].size() < 63);  // one byte less: the cut fell inside a character
    std::vector<std::string> idx = indexes(c, mtable);
    REQUIRE(idx.size() == 2);
    CHECK(idx[0] == names::index(mtable, {mcolumn}));
    CHECK(idx[1] == names::unique_key(mtable, {mcolumn}));
    // Many columns: the addition stops once it reaches 64 bytes.
    c.exec("CREATE TABLE wide (" + q(column) + " int, " + q(table) + " int, c int)");
    c.exec("CREATE INDEX ON wide (" + q(column) + ", " + q(table) + ", c)");
    CHECK(indexes(c, "wide") ==
          std::vector<std::string>{names::index("wide", {column, table, "c"})});
  }

  SECTION("what a downgrade drops without naming it") {
    c.exec("CREATE TABLE parents (id int PRIMARY KEY)");
    c.exec("CREATE TABLE kids (id int, sku text, low int, high int)");
    c.exec("CREATE INDEX kids_sku_idx ON kids (sku)");
    c.exec("CREATE INDEX kids_sku_low_idx ON kids (low, sku)");
    c.exec("ALTER TABLE kids ADD CHECK (sku <> '')");
    c.exec("ALTER TABLE kids ADD CHECK (low < high)");
    c.exec("ALTER TABLE kids ADD FOREIGN KEY (low) REFERENCES parents (id)");
    c.exec("ALTER TABLE kids ADD UNIQUE (sku, high)");
    c.exec("ALTER TABLE kids DROP COLUMN sku");
    // Every index and constraint on sku went with it, also those on further columns.
    CHECK(indexes(c, "kids").empty());
    CHECK(constraints(c, "kids", "c") == std::vector<std::string>{"kids_check"});
    c.exec("ALTER TABLE kids DROP COLUMN low");
    CHECK(constraints(c, "kids", "c").empty());
    CHECK(constraints(c, "kids", "f").empty());
    c.exec("CREATE INDEX kids_high_idx ON kids (high)");
    c.exec("DROP TABLE kids");
    CHECK(c.value("SELECT count(*) FROM pg_class WHERE relname = 'kids_high_idx'") == "0");
    // DROP TABLE of a partitioned table drops its partitions (and theirs, and their indexes)
    // without CASCADE; a child by INHERITS keeps the parent's DROP TABLE from running, and goes
    // with it under CASCADE.
    c.exec(
        "CREATE TABLE prefs (id bigint, latest boolean, PRIMARY KEY (id, latest)) "
        "PARTITION BY LIST (latest)");
    c.exec("CREATE TABLE prefs_current PARTITION OF prefs FOR VALUES IN (true)");
    c.exec(
        "CREATE TABLE prefs_old PARTITION OF prefs FOR VALUES IN (false) PARTITION BY RANGE (id)");
    c.exec("CREATE TABLE prefs_old_1 PARTITION OF prefs_old FOR VALUES FROM (0) TO (100)");
    c.exec("CREATE INDEX prefs_current_id_idx2 ON prefs_current (id)");
    c.exec("DROP TABLE prefs");
    CHECK(c.value("SELECT count(*) FROM pg_class WHERE relname LIKE 'prefs%'") == "0");
    c.exec("CREATE TABLE events (id bigint)");
    c.exec("CREATE TABLE events_archive () INHERITS (events)");
    CHECK_THROWS(c.exec("DROP TABLE events"));
    c.exec("DROP TABLE events CASCADE");
    CHECK(c.value("SELECT count(*) FROM pg_class WHERE relname LIKE 'events%'") == "0");
  }
}
