-- Unsafe: drops a column and a table that the running application may still use.
ALTER TABLE skills DROP COLUMN deprecated_field;
DROP TABLE legacy_skills;
DROP INDEX ix_skills_category;
TRUNCATE skill_events CASCADE;
