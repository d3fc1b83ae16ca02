// Internal to the Alembic frontend: bind parameters in the SQL a revision executes. Which
// ones there are depends on the call that executes it; they are replaced with neutral values
// before the SQL is parsed (sql.cpp), so that they are never syntax errors.
#pragma once

#include <string_view>

#include "frontends/sql/template.hpp"

namespace schemagate::alembic {

// How a call hands SQL to the database, which decides how bind parameters are written in it.
enum class Binds {
  // SQLAlchemy's text(): `:name` binds, `\:` an escaped colon, `%` a percent sign.
  // op.execute("...") and op.get_context().execute("...") (Alembic wraps a str in text()),
  // sa.text(...) anywhere, an ORM session's execute("...") (SQLAlchemy 1.4 coerces the str to
  // text()).
  text,
  // The DB-API driver's own paramstyle (psycopg: %s, %(name)s, %% for a percent sign):
  // a SQLAlchemy connection's execute("...") or exec_driver_sql("...") without parameters.
  // SQLAlchemy still hands psycopg a parameter collection (an empty one), and psycopg reads
  // %-sequences whenever it gets one, so %% is one percent sign here too.
  driver,
  // The same with parameters (those calls, or a DB-API cursor's execute(sql, params)): a `?`
  // may also be a qmark placeholder.
  driver_params,
  // A DB-API cursor's execute(sql) without parameters: psycopg sends the SQL as it is.
  raw,
};

// The SQL the database receives from a call with these binds, each bind parameter replaced
// with a neutral value; the edits map its ranges back to `sql`'s (sql.cpp).
[[nodiscard]] sql::Expanded bind_values(std::string_view sql, Binds binds);

}  // namespace schemagate::alembic
