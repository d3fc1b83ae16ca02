-- Safe: step 2, backfill in batches, in its own migration.
--
-- Checklist:
--   [x] staging-tested: 1.2M rows on staging 2026-03-22, 9 min in batches of 5,000
--   [x] backup-taken: snapshot skills-2026-03-22
--   [ ] rollback-tested
DO $$
DECLARE
    done integer;
BEGIN
    LOOP
        UPDATE skills SET tier = 'community'
        WHERE id IN (SELECT id FROM skills WHERE tier IS NULL LIMIT 5000);
        GET DIAGNOSTICS done = ROW_COUNT;
        EXIT WHEN done = 0;
    END LOOP;
END $$;
