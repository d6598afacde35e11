-- 0008: the three lists (三张清单) the community and its member units keep
-- together: needs (共建需求清单), resources (资源清单) and projects (项目清单),
-- with claims (认领), commitments of resources to projects, milestones,
-- outcomes, one plan per community (一社区一方案) with its goals, and
-- demonstration sites (示范点).
--
-- Times are ms since the epoch (UTC); dates are YYYY-MM-DD. Kinds and
-- statuses are the domain's codes (domain/lists.h). Quantities are in the
-- row's own unit of measure (quantity_unit: 人, 场, 元, 平方米 …).

CREATE TABLE need (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT UNIQUE,                            -- optional stable code (imports)
    community_id INTEGER NOT NULL REFERENCES area(id),
    area_id INTEGER REFERENCES area(id),         -- the grid or compound it is for; NULL: the community
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,                          -- venue, funding, volunteers, expertise, equipment, service, other
    quantity REAL CHECK (quantity IS NULL OR quantity >= 0),
    quantity_unit TEXT,
    beneficiaries INTEGER CHECK (beneficiaries IS NULL OR beneficiaries >= 0),
    urgency TEXT NOT NULL DEFAULT 'normal',      -- low, normal, high, urgent
    wanted_by TEXT,                              -- YYYY-MM-DD
    status TEXT NOT NULL DEFAULT 'open',         -- open, matched, in_project, met, closed
    closed_reason TEXT,
    source TEXT NOT NULL DEFAULT 'community',    -- community, compound_branch, resident, meeting, case_hotspot
    raised_by_org_id INTEGER REFERENCES organisation(id),
    created_by TEXT,                             -- actor ("user:xinghe", "cli")
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    met_at INTEGER
);
CREATE INDEX need_community ON need(community_id, status);
CREATE INDEX need_status ON need(status, kind);

CREATE TABLE resource (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT UNIQUE,
    community_id INTEGER NOT NULL REFERENCES area(id),  -- the big committee it is offered to
    org_id INTEGER REFERENCES organisation(id),         -- the member unit offering it; NULL: the community itself
    area_id INTEGER REFERENCES area(id),                -- where it is (a compound, grid or the community)
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    quantity REAL NOT NULL CHECK (quantity >= 0),       -- capacity, in quantity_unit
    quantity_unit TEXT,
    available_from TEXT,                                -- YYYY-MM-DD
    available_to TEXT,                                  -- YYYY-MM-DD
    weekdays INTEGER NOT NULL DEFAULT 0,                -- bit 0 Monday … bit 6 Sunday; 0: every day
    hours TEXT,                                         -- the hours in words ("09:00-12:00")
    conditions TEXT,
    -- personal data: staff covering the resource and its unit see these
    contact_name TEXT,
    contact_phone TEXT,
    status TEXT NOT NULL DEFAULT 'available',           -- available, committed, used_up, withdrawn
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX resource_community ON resource(community_id, status);
CREATE INDEX resource_org ON resource(org_id);

CREATE TABLE plan (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT UNIQUE,
    community_id INTEGER NOT NULL REFERENCES area(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',              -- draft, active, closed
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (community_id, year)                          -- 一社区一方案: one plan per community and year
);

CREATE TABLE plan_goal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plan_goal_plan ON plan_goal(plan_id, sort);

CREATE TABLE project (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT UNIQUE,
    community_id INTEGER NOT NULL REFERENCES area(id),
    area_id INTEGER REFERENCES area(id),                -- a compound or grid; NULL: the community
    parent_id INTEGER REFERENCES project(id),           -- a sub-project's project
    plan_goal_id INTEGER REFERENCES plan_goal(id) ON DELETE SET NULL,
    owner_org_id INTEGER REFERENCES organisation(id),   -- who leads it
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT,                                          -- optional: the main kind of help
    budget REAL CHECK (budget IS NULL OR budget >= 0),  -- yuan
    beneficiaries INTEGER CHECK (beneficiaries IS NULL OR beneficiaries >= 0),
    start_date TEXT,
    end_date TEXT,
    status TEXT NOT NULL DEFAULT 'planned',             -- planned, active, done, cancelled
    progress REAL NOT NULL DEFAULT 0,                   -- 0–100, rolled up from milestones / sub-projects
    progress_manual REAL,                               -- set by hand when it has neither
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0), -- in its parent's or goal's roll-up
    demonstration INTEGER NOT NULL DEFAULT 0,           -- 示范点
    template_id INTEGER REFERENCES project(id),         -- copied from (经验复制推广)
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    done_at INTEGER
);
CREATE INDEX project_community ON project(community_id, status);
CREATE INDEX project_parent ON project(parent_id);
CREATE INDEX project_goal ON project(plan_goal_id);

-- The needs a project meets.
CREATE TABLE project_need (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    need_id INTEGER NOT NULL REFERENCES need(id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, need_id)
);
CREATE INDEX project_need_need ON project_need(need_id);

-- Participating units (besides those whose resources are committed).
CREATE TABLE project_unit (
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES organisation(id),
    role TEXT NOT NULL DEFAULT 'participant',           -- lead, participant
    PRIMARY KEY (project_id, org_id)
);

-- Resources committed to a project, with quantities. The sum of a
-- resource's live commitments (committed or delivered) never exceeds its
-- quantity: the store refuses with 409 inside the transaction.
CREATE TABLE project_resource (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    resource_id INTEGER NOT NULL REFERENCES resource(id),
    need_id INTEGER REFERENCES need(id),                -- the need it serves, when one
    quantity REAL NOT NULL CHECK (quantity > 0),
    delivered REAL NOT NULL DEFAULT 0 CHECK (delivered >= 0),
    status TEXT NOT NULL DEFAULT 'committed',           -- committed, delivered, cancelled
    note TEXT,
    committed_at INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX project_resource_project ON project_resource(project_id);
CREATE INDEX project_resource_resource ON project_resource(resource_id, status);

CREATE TABLE milestone (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    due_date TEXT,
    done_date TEXT,
    weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),  -- percent
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX milestone_project ON milestone(project_id, sort);

-- A member unit's claim of a need (认领), confirmed or declined by the
-- community's staff. Confirming commits the resource and puts the need in
-- a project.
CREATE TABLE claim (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    need_id INTEGER NOT NULL REFERENCES need(id),
    org_id INTEGER NOT NULL REFERENCES organisation(id),
    resource_id INTEGER REFERENCES resource(id),
    quantity REAL CHECK (quantity IS NULL OR quantity > 0),
    note TEXT,
    status TEXT NOT NULL DEFAULT 'pending',             -- pending, confirmed, declined, withdrawn
    project_id INTEGER REFERENCES project(id),
    created_by TEXT,
    created_at INTEGER NOT NULL,
    decided_by TEXT,
    decided_at INTEGER
);
CREATE INDEX claim_need ON claim(need_id);
CREATE INDEX claim_org ON claim(org_id);

-- What a project delivered, recorded when done.
CREATE TABLE outcome (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    summary TEXT NOT NULL,
    people_served INTEGER CHECK (people_served IS NULL OR people_served >= 0),
    photos TEXT,                                        -- JSON array of photo URLs or hashes
    created_by TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX outcome_project ON outcome(project_id);

-- Compounds (or grids, communities) chosen as demonstration sites (示范点).
CREATE TABLE demonstration_site (
    area_id INTEGER PRIMARY KEY REFERENCES area(id) ON DELETE CASCADE,
    since TEXT,
    note TEXT
);
