-- Safe: step 1 of adding a required column. A nullable column with a constant default
-- is a catalog-only change on PostgreSQL 11+.
--
-- Checklist:
--   [x] staging-tested: applied on staging 2026-03-21, 12 ms
--   [x] rollback-tested: dropped and added again on staging
SET lock_timeout = '5s';
ALTER TABLE skills ADD COLUMN tier text DEFAULT 'community';
