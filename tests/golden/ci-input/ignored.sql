-- Inline ignores: what they suppress is left out of every report but SARIF's, where it is
-- a suppressed result with the ignore's reason.
SET lock_timeout = '5s';
-- schemagate: ignore ban-drop-table -- archived in 2024.05, dump kept
DROP TABLE legacy_sessions;
DROP TABLE legacy_tokens;  -- schemagate: ignore ban-drop-table
-- Two identical lines: their findings get different fingerprints.
DROP TABLE "a<b>&c";
DROP TABLE "a<b>&c";
