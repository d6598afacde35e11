-- 0006: the case counters behind the service figures (响应率, 解决率, 满意率 …;
-- docs/METRICS.md has every definition and formula).
--
-- One row per (organisation, area, day, category): the sum of the
-- contributions of the cases counted there. A case's contribution is a
-- vector of 0/1 counters computed from its current snapshot
-- (domain/case_metrics.c); the writer of cases subtracts the old vector and
-- adds the new one in the same transaction as every change, so the rows are
-- always up to date and a figure is a sum over an index range, never a scan
-- of the cases. `tongxin stats cases --recompute` rebuilds them from
-- case_event alone and compares (--fix replaces them).
--
-- A case counts in up to five rows, all with its day and category:
--   org_id 0, area_id = its street (0 when it has none), its community, its grid
--     (the area rows: a street's figures are one range, not a sum over its grids);
--   org_id = the property company or department handling it now, and the
--     department it was last referred to, area_id = its community (else its
--     street, else 0) (the organisation rows).
-- The day is the local day (UTC+08:00) of submitted_at, as days since
-- 1970-01-01: cases are counted in the cohort of the day they came in.
-- State and channel are columns, not key parts, so a street's year is about
-- 365 × categories rows whatever the number of cases.
CREATE TABLE case_stats (
    org_id INTEGER NOT NULL,
    area_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,              -- every case
    valid INTEGER NOT NULL DEFAULT 0,                 -- not merged, not invalid
    state_submitted INTEGER NOT NULL DEFAULT 0,       -- the state it is in now (one of ten)
    state_accepted INTEGER NOT NULL DEFAULT 0,
    state_dispatched INTEGER NOT NULL DEFAULT 0,
    state_in_progress INTEGER NOT NULL DEFAULT 0,
    state_resolved INTEGER NOT NULL DEFAULT 0,
    state_closed INTEGER NOT NULL DEFAULT 0,
    state_returned INTEGER NOT NULL DEFAULT 0,
    state_reopened INTEGER NOT NULL DEFAULT 0,
    state_merged INTEGER NOT NULL DEFAULT 0,
    state_invalid INTEGER NOT NULL DEFAULT 0,
    channel_web INTEGER NOT NULL DEFAULT 0,           -- how it came in (one of five)
    channel_open311 INTEGER NOT NULL DEFAULT 0,
    channel_hotline INTEGER NOT NULL DEFAULT 0,
    channel_staff INTEGER NOT NULL DEFAULT 0,
    channel_patrol INTEGER NOT NULL DEFAULT 0,
    contacted INTEGER NOT NULL DEFAULT 0,             -- valid; first contact made
    responded_on_time INTEGER NOT NULL DEFAULT 0,     -- … at or before due_contact
    resolved INTEGER NOT NULL DEFAULT 0,              -- valid; resolved at least once
    resolved_on_time INTEGER NOT NULL DEFAULT 0,      -- … latest resolve at or before due_resolve
    resolved_at_grid INTEGER NOT NULL DEFAULT 0,      -- … latest resolve at grid tier
    resolved_in_community INTEGER NOT NULL DEFAULT 0, -- … never at street tier or with a department
    rated INTEGER NOT NULL DEFAULT 0,                 -- valid; the reporter's latest answers on record
    solved_yes INTEGER NOT NULL DEFAULT 0,            -- … solved
    satisfied INTEGER NOT NULL DEFAULT 0,             -- … 满意
    basically_satisfied INTEGER NOT NULL DEFAULT 0,   -- … 基本满意
    unsatisfied INTEGER NOT NULL DEFAULT 0,           -- … 不满意
    -- The area (or organisation) first, then the day: a figure for one
    -- area over a period is one range of this key.
    PRIMARY KEY (org_id, area_id, day, category_id)
) WITHOUT ROWID;
