-- bench/intake/counters.sql: the counters' upsert for a new case, for the
-- raw ceiling (intake_raw bench --counters; ?1 is the new case's id). What
-- db_case_stats_apply writes for a case just reported (src/store/sqlite/
-- case_stats.c, domain/case_metrics.c): its row read by id, then one upsert
-- of the case_stats row of its street (0 when none), of its community and of
-- its grid, on its local day (UTC+8) and category, adding received, valid,
-- state_submitted and its channel (no organisation rows: nobody handles a
-- new case yet). One statement instead of three, every counter named as the
-- server's upsert does. bench/intake/run checks the result against the
-- counters tongxin wrote.
INSERT INTO case_stats (org_id, area_id, day, category_id, received, valid, state_submitted, channel_web, channel_open311, channel_hotline, channel_staff, channel_patrol)
SELECT 0, a.value, (c.submitted_at + 28800000) / 86400000, c.category_id, 1, 1, 1, c.channel = 'web', c.channel = 'open311', c.channel = 'hotline', c.channel = 'staff', c.channel = 'patrol'
FROM cases c JOIN json_each(json_array(coalesce(c.street_id, 0), c.community_id, c.grid_id)) a
WHERE c.id = ?1 AND a.value IS NOT NULL
ON CONFLICT (org_id, area_id, day, category_id) DO UPDATE SET
received = received + excluded.received, valid = valid + excluded.valid,
state_submitted = state_submitted + excluded.state_submitted, state_accepted = state_accepted + excluded.state_accepted,
state_dispatched = state_dispatched + excluded.state_dispatched, state_in_progress = state_in_progress + excluded.state_in_progress,
state_resolved = state_resolved + excluded.state_resolved, state_closed = state_closed + excluded.state_closed,
state_returned = state_returned + excluded.state_returned, state_reopened = state_reopened + excluded.state_reopened,
state_merged = state_merged + excluded.state_merged, state_invalid = state_invalid + excluded.state_invalid,
channel_web = channel_web + excluded.channel_web, channel_open311 = channel_open311 + excluded.channel_open311,
channel_hotline = channel_hotline + excluded.channel_hotline, channel_staff = channel_staff + excluded.channel_staff,
channel_patrol = channel_patrol + excluded.channel_patrol, contacted = contacted + excluded.contacted,
responded_on_time = responded_on_time + excluded.responded_on_time, resolved = resolved + excluded.resolved,
resolved_on_time = resolved_on_time + excluded.resolved_on_time, resolved_at_grid = resolved_at_grid + excluded.resolved_at_grid,
resolved_in_community = resolved_in_community + excluded.resolved_in_community, rated = rated + excluded.rated,
solved_yes = solved_yes + excluded.solved_yes, satisfied = satisfied + excluded.satisfied,
basically_satisfied = basically_satisfied + excluded.basically_satisfied, unsatisfied = unsatisfied + excluded.unsatisfied
