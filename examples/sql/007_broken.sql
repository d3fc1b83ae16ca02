-- A typo: reported with its exact position; the other statements are still checked.
ALTER TABLE skills ADD COLUMN rating integer;
ALTER TABLE skills ALTR COLUMN rating SET DEFAULT 0;
ALTER TABLE skills ALTER COLUMN rating TYPE bigint;
