-- 0005: cases (群众诉求): the categories residents report under (Open311
-- services), the routing rules that say whose duty a report is, the cases
-- themselves with their append-only events, and their photos.
--
-- Times are ms since the epoch (UTC). A case row is the current snapshot;
-- case_event is the truth it is derived from (docs/ARCHITECTURE.md, "events
-- are the truth"). Enumerations are stored as the domain's codes
-- (domain/case.h): states, tiers, handlers, channels.

CREATE TABLE category (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,              -- the Open311 service_code
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    group_name TEXT NOT NULL,               -- Open311 "group"
    group_name_en TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',      -- comma-separated, Open311 "keywords"
    -- Open311 service definition: a JSON array of attributes
    -- ({variable, code, datatype, required, datatype_description, order,
    -- description, values:[{key,name}]}), or NULL when it has none
    -- (metadata false).
    attributes TEXT,
    -- Deadlines (domain/calendar.h durations): kind is hours, minutes,
    -- working_days or working_hours.
    accept_kind TEXT NOT NULL DEFAULT 'working_hours',
    accept_n INTEGER NOT NULL DEFAULT 2,
    contact_kind TEXT NOT NULL DEFAULT 'working_hours',
    contact_n INTEGER NOT NULL DEFAULT 4,
    resolve_kind TEXT NOT NULL DEFAULT 'working_days',
    resolve_n INTEGER NOT NULL DEFAULT 5,
    remind_hours INTEGER NOT NULL DEFAULT 4,       -- 催办: remind this long before the resolve deadline
    duplicate_radius_m INTEGER NOT NULL DEFAULT 100,
    active INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL DEFAULT 0
);

-- Whose duty: category × place (inside a compound's red line, outside, or
-- anywhere) × optional area override → the responsible party and the
-- starting tier. The most specific rule wins (docs/ARCHITECTURE.md).
CREATE TABLE route_rule (
    id INTEGER PRIMARY KEY,
    category_id INTEGER REFERENCES category(id) ON DELETE CASCADE,  -- NULL: any category
    place TEXT NOT NULL CHECK (place IN ('inside', 'outside', 'any')),
    area_id INTEGER REFERENCES area(id) ON DELETE CASCADE,          -- NULL: anywhere; else this area and below
    handler TEXT NOT NULL CHECK (handler IN ('grid_worker', 'property_company', 'community_office',
                                             'street_office', 'department')),
    org_id INTEGER REFERENCES organisation(id),  -- the department, for handler 'department'
    tier TEXT NOT NULL CHECK (tier IN ('grid', 'community', 'street')),
    note TEXT NOT NULL DEFAULT '',               -- why, in words ("public sewer")
    note_en TEXT NOT NULL DEFAULT ''
);
CREATE INDEX route_rule_category ON route_rule(category_id);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,        -- ids are never reused: they are printed on receipts
    token_hash TEXT NOT NULL UNIQUE,             -- the reporter's tracking token, hashed (base/secret.h)
    category_id INTEGER NOT NULL REFERENCES category(id),
    description TEXT NOT NULL,
    attributes TEXT,                             -- Open311 attribute answers, JSON object
    lat REAL,
    lon REAL,
    address TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'open311', 'hotline', 'staff', 'patrol')),
    external_id TEXT,                            -- the hotline's own number (12345 工单号)
    -- personal data: only staff whose scope covers the case see these
    reporter_name TEXT,
    reporter_phone TEXT,
    reporter_email TEXT,
    contact_ok INTEGER NOT NULL DEFAULT 1,       -- the reporter may be contacted
    reporter_user_id INTEGER,                    -- a signed-in resident, else NULL
    api_key_id INTEGER,                          -- the system that submitted it (Open311, hotline)
    -- its place, from locate(point) or the compound chosen
    street_id INTEGER REFERENCES area(id),
    community_id INTEGER REFERENCES area(id),    -- the owner (首接负责); NULL: outside every community
    grid_id INTEGER REFERENCES area(id),
    compound_id INTEGER REFERENCES area(id),
    inside_red_line INTEGER NOT NULL DEFAULT 0,
    -- the routing decision, kept as made
    route_rule_id INTEGER,
    route_handler TEXT NOT NULL,
    route_handler_id INTEGER,
    route_reason TEXT NOT NULL,
    route_reason_en TEXT NOT NULL,
    -- the current snapshot (domain/case.h tx_case)
    state TEXT NOT NULL,
    tier TEXT NOT NULL,
    handler TEXT NOT NULL DEFAULT 'none',
    handler_id INTEGER,
    department_id INTEGER,
    referral_due INTEGER,
    -- 1 being handled; 2 resolved, waiting for the reporter's rating; 0 done
    -- (closed, merged, invalid). Queues and the sweep read open cases only.
    open INTEGER NOT NULL DEFAULT 1,
    submitted_at INTEGER NOT NULL,
    accepted_at INTEGER,
    contacted_at INTEGER,
    resolved_at INTEGER,                         -- the latest resolve
    resolved_tier TEXT,                          -- the tier it was resolved at (小事不出网格)
    left_community INTEGER NOT NULL DEFAULT 0,   -- it went to the street or a department at some point
    closed_at INTEGER,
    merged_into INTEGER,
    reopened_count INTEGER NOT NULL DEFAULT 0,
    escalated_count INTEGER NOT NULL DEFAULT 0,
    -- deadlines (calendar: category durations from submission / acceptance)
    due_accept INTEGER NOT NULL,
    due_contact INTEGER NOT NULL,
    due_resolve INTEGER NOT NULL,
    -- The working deadline: due_resolve, moved on when the sweep escalates an
    -- overdue case (the tier above gets a period of its own).
    due_work INTEGER NOT NULL,
    -- The deadline that governs now, and queues sort by: accepting while
    -- submitted, the department's while referred, the working deadline while
    -- handled, the end of the rating period while resolved.
    due_at INTEGER NOT NULL,
    reminded_at INTEGER,                         -- 催办 sent for the current due_at
    -- the reporter's rating (回访)
    solved TEXT,
    satisfaction TEXT,
    rating_comment TEXT,
    rated_at INTEGER,
    updated_at INTEGER NOT NULL,
    event_count INTEGER NOT NULL DEFAULT 0
);
-- queues: by scope, open first, soonest deadline first
CREATE INDEX cases_community_queue ON cases(community_id, open, due_at);
CREATE INDEX cases_grid_queue ON cases(grid_id, open, due_at);
CREATE INDEX cases_street_queue ON cases(street_id, open, due_at);
CREATE INDEX cases_handler_queue ON cases(handler, handler_id, open, due_at);
CREATE INDEX cases_department ON cases(department_id, open, due_at) WHERE department_id IS NOT NULL;
-- the sweep: open cases by deadline
CREATE INDEX cases_due ON cases(open, due_at);
-- duplicates: open cases of a category near a point
CREATE INDEX cases_nearby ON cases(category_id, lat) WHERE open = 1;
-- Open311 listing by time
CREATE INDEX cases_submitted ON cases(submitted_at);
CREATE UNIQUE INDEX cases_external ON cases(channel, external_id) WHERE external_id IS NOT NULL;

-- Every step of a case. Append-only. The columns after `action` are the
-- case's snapshot after the step, so the case can be re-derived from its
-- events alone (tongxin stats cases --recompute does).
CREATE TABLE case_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,             -- "user:login", "apikey:name", "reporter", "platform", "cli"
    actor_role TEXT NOT NULL,        -- role name, "reporter" or "platform"
    action TEXT NOT NULL,            -- "report" (intake) or a domain action code
    from_state TEXT,                 -- NULL for the report
    to_state TEXT NOT NULL,
    tier TEXT NOT NULL,
    handler TEXT NOT NULL,
    handler_id INTEGER,
    public INTEGER NOT NULL,         -- shown on the public timeline
    text TEXT,                       -- note, reason or what was done
    data TEXT                        -- action details as JSON (rating, department, due, merge target …)
);
CREATE INDEX case_event_case ON case_event(case_id, id);
-- Open311 servicerequestupdates: events by time
CREATE INDEX case_event_at ON case_event(at);

-- Photos: the bytes live on disk under the photo directory, named by their
-- content hash; one row per use.
CREATE TABLE case_photo (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    event_id INTEGER REFERENCES case_event(id),  -- the report or the resolve it came with
    hash TEXT NOT NULL,                          -- hex SHA-256 of the bytes
    mime TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX case_photo_case ON case_photo(case_id);
CREATE INDEX case_photo_hash ON case_photo(hash);

-- Bumped whenever categories or routing rules change, so servers reload
-- their catalogue (as areas_version does for boundaries).
-- The calendar and who manages which compound feed deadlines and routing,
-- so they count too.
INSERT INTO meta (key, value) VALUES ('catalogue_version', 0);
CREATE TRIGGER category_version_insert AFTER INSERT ON category BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER category_version_update AFTER UPDATE ON category BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER category_version_delete AFTER DELETE ON category BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER route_rule_version_insert AFTER INSERT ON route_rule BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER route_rule_version_update AFTER UPDATE ON route_rule BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER route_rule_version_delete AFTER DELETE ON route_rule BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER calendar_day_version_insert AFTER INSERT ON calendar_day BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER calendar_day_version_update AFTER UPDATE ON calendar_day BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER calendar_day_version_delete AFTER DELETE ON calendar_day BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER managed_compound_version_insert AFTER INSERT ON managed_compound BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER managed_compound_version_update AFTER UPDATE ON managed_compound BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
CREATE TRIGGER managed_compound_version_delete AFTER DELETE ON managed_compound BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
-- The names of departments and property companies appear in routing reasons.
CREATE TRIGGER organisation_name_version AFTER UPDATE OF name ON organisation BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'catalogue_version';
END;
