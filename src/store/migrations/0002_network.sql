-- 0002: the big-committee network: areas with boundaries, organisations,
-- people and dated memberships.
CREATE TABLE area (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('city', 'district', 'street', 'community', 'grid', 'compound')),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    parent_id INTEGER REFERENCES area(id),
    boundary TEXT,              -- GeoJSON geometry (Polygon or MultiPolygon), WGS84
    population_registered INTEGER,
    population_resident INTEGER,
    households INTEGER,
    founded TEXT,               -- YYYY-MM or YYYY-MM-DD as given
    notes TEXT,
    extra TEXT                  -- other GeoJSON properties, kept for a lossless round trip
);
CREATE INDEX area_parent ON area(parent_id);
CREATE INDEX area_kind ON area(kind);

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    unit_type TEXT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    area_id INTEGER REFERENCES area(id),
    parent_id INTEGER REFERENCES organisation(id),
    notes TEXT
);
CREATE INDEX organisation_area ON organisation(area_id);
CREATE INDEX organisation_parent ON organisation(parent_id);

-- A property company and the compounds it manages.
CREATE TABLE managed_compound (
    org_id INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
    area_id INTEGER NOT NULL REFERENCES area(id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, area_id)
);

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    code TEXT UNIQUE,
    name TEXT NOT NULL,         -- personal data
    phone TEXT,                 -- personal data
    party_member INTEGER NOT NULL DEFAULT 0,
    notes TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE membership (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    represents_org_id INTEGER REFERENCES organisation(id),
    start_date TEXT NOT NULL,   -- YYYY-MM-DD
    end_date TEXT               -- YYYY-MM-DD, exclusive; NULL while current
);
CREATE INDEX membership_org ON membership(org_id);
CREATE INDEX membership_person ON membership(person_id);
