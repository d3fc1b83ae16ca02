-- Expand step: nothing here locks or breaks anything.
SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN note text;
CREATE INDEX CONCURRENTLY ix_orders_note ON orders (note);
