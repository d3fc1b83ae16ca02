-- Unsafe: one-step rename, a required column without a default, a volatile default,
-- and a data change mixed into a schema migration.
ALTER TABLE skills RENAME COLUMN category TO skill_category;
ALTER TABLE skills ADD COLUMN owner_id bigint NOT NULL;
ALTER TABLE skills ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
ALTER TABLE skills ALTER COLUMN tier SET NOT NULL;
UPDATE skills SET description = '' WHERE description IS NULL;
