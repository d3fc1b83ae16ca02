-- Safe: step 2, backfill in batches, in its own migration.
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
