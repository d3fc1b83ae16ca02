-- CRLF line ends, a tab and a name that needs escaping in every format.
SET lock_timeout = '5s';
	ALTER TABLE "50%, off: sale" RENAME TO sale;
CREATE INDEX ix_sale_at
  ON sale (at);
