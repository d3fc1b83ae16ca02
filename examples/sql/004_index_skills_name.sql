-- Unsafe: builds an index on a busy table without CONCURRENTLY, and inside BEGIN.
BEGIN;
CREATE INDEX ix_skills_name ON skills (name);
CREATE INDEX CONCURRENTLY ix_skills_created_at ON skills (created_at);
COMMIT;
