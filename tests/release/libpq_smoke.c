/* The static libpq of scripts/release.sh, linked as the release binary links it: its
 * version, and what a connection attempt says. Prints one line per check. */
#include <stdio.h>
#include <string.h>

#include "libpq-fe.h"

static void attempt(const char* label, const char* conninfo) {
  PGconn* conn = PQconnectdb(conninfo);
  const char* message = PQerrorMessage(conn);
  printf("%s: %s %s", label, PQstatus(conn) == CONNECTION_OK ? "ok" : "bad",
         message[0] != '\0' ? message : "\n");
  PQfinish(conn);
}

int main(void) {
  printf("version: %d\n", PQlibVersion());
  printf("threadsafe: %d\n", PQisthreadsafe());
  /* No server: the socket's absence is reported, nothing crashes. */
  attempt("socket", "host=/nonexistent-socket-dir dbname=x user=x");
  /* GSSAPI is not compiled in: asking for it is refused with libpq's own message. */
  attempt("gssapi", "host=/nonexistent-socket-dir gssencmode=require user=x");
  /* OpenSSL is: sslmode=require is accepted (the attempt fails for want of a server). */
  attempt("ssl", "host=127.0.0.1 port=1 sslmode=require user=x connect_timeout=2");
  return 0;
}
