-- 0003: a counter that moves whenever any area changes, so that a running
-- server notices areas imported by another process (tongxin import) and
-- rebuilds its boundary index.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('areas_version', 0);
CREATE TRIGGER area_version_insert AFTER INSERT ON area BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'areas_version';
END;
CREATE TRIGGER area_version_update AFTER UPDATE ON area BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'areas_version';
END;
CREATE TRIGGER area_version_delete AFTER DELETE ON area BEGIN
    UPDATE meta SET value = value + 1 WHERE key = 'areas_version';
END;
