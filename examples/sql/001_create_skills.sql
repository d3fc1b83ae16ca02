-- Safe: a new table and its indexes. Nothing reads or writes it yet, so ordinary
-- CREATE INDEX is fine here.
--
-- Checklist:
--   [x] staging-tested: applied on staging 2026-03-19, 40 ms
--   [x] rollback-tested: DROP TABLE skills on staging, then applied again
CREATE TABLE skills (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    description text        NOT NULL,
    category    text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ix_skills_category ON skills (category);
