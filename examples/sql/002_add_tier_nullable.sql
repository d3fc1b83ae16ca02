-- Safe: step 1 of adding a required column. A nullable column with a constant default
-- is a catalog-only change on PostgreSQL 11+.
SET lock_timeout = '5s';
ALTER TABLE skills ADD COLUMN tier text DEFAULT 'community';
