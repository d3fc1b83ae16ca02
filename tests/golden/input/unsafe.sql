-- Ünïcödé comment, then a tab-indented statement.
	CREATE INDEX ix_orders_customer ON orders (customer_id);
ALTER TABLE orders ADD COLUMN status text NOT NULL;
