-- 0004: the working-day calendar as data: the days that differ from the
-- plain week (holidays on weekdays or weekends, and 调休 weekend workdays).
-- Deadlines are counted on it; an administrator adds each year's notice.
CREATE TABLE calendar_day (
    day TEXT PRIMARY KEY,       -- YYYY-MM-DD, local date
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    occasion TEXT
);
