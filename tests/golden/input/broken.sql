ALTER TABLE orders DROP COLUMN legacy;
CREATE TABEL oops (id int);
DROP TABLE old_orders;
