// The working-day calendar: public days and deadline previews on the 2026
// State Council notice (loaded by tongxin demo), and street admins' edits.
import assert from 'node:assert/strict';
import { assertError, cli, request } from './lib.mjs';
import { dtest, session } from './network-lib.mjs';

dtest('the Spring Festival week shows holidays and the 调休 Saturday as a working day', async () => {
  const res = await request('/api/v1/calendar?from=2026-02-12&to=2026-02-24');
  assert.equal(res.status, 200);
  const day = (d) => res.json.days.find((x) => x.date === d);
  assert.equal(day('2026-02-14').working, true);
  assert.equal(day('2026-02-14').kind, 'workday');
  assert.equal(day('2026-02-16').working, false);
  assert.equal(day('2026-02-16').kind, 'holiday');
  assert.equal(day('2026-02-24').working, true);
  assert.equal(res.json.working_days, 4); // the 12th, 13th, 14th (调休) and 24th
});

dtest('a working-day deadline skips holidays and counts a 调休 Saturday', async () => {
  // Friday 2026-02-13 16:00 + 1 working day: Saturday the 14th is worked, so the end of that day.
  let res = await request('/api/v1/calendar/deadline?start=2026-02-13T16:00:00%2B08:00&working_days=1');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.due, '2026-02-15T00:00:00+08:00');
  // Saturday 14th + 1 working day: the 15th-23rd are holidays; the 24th is the next working day.
  res = await request('/api/v1/calendar/deadline?start=2026-02-14T10:00:00%2B08:00&working_days=1');
  assert.equal(res.json.due, '2026-02-25T00:00:00+08:00');
  // Calendar hours run through holidays.
  res = await request('/api/v1/calendar/deadline?start=2026-02-16T10:00:00%2B08:00&hours=2');
  assert.equal(res.json.due, '2026-02-16T12:00:00+08:00');
});

dtest('bad calendar queries are 400 naming the parameter', async () => {
  assertError(await request('/api/v1/calendar?from=2026-13-01'), 400, 'invalid_query', 'from');
  assertError(await request('/api/v1/calendar?from=2026-01-01&to=2028-01-01'), 400, 'invalid_query', 'to');
  assertError(await request('/api/v1/calendar/deadline?start=yesterday&hours=1'), 400, 'invalid_query', 'start');
  assertError(await request('/api/v1/calendar/deadline?working_days=0'), 400, 'invalid_query', 'working_days');
  assertError(await request('/api/v1/calendar/deadline?working_days=1&hours=2'), 400, 'invalid_query', 'hours');
  assertError(await request('/api/v1/calendar/deadline'), 400, 'missing_query', 'working_days');
});

dtest('a street admin sets and removes a day; it changes deadlines at once', async () => {
  const admin = await session('admin');
  const put = await request('/api/v1/calendar/2027-03-01', {
    method: 'PUT', json: { kind: 'holiday', occasion: '测试假日' }, cookie: admin.cookie, csrf: admin.csrf,
  });
  assert.equal(put.status, 200, put.text);
  // Friday 2027-02-26 + 1 working day would be Monday the 1st, now a holiday: Tuesday.
  let res = await request('/api/v1/calendar/deadline?start=2027-02-26T09:00:00%2B08:00&working_days=1');
  assert.equal(res.json.due, '2027-03-03T00:00:00+08:00');
  const del = await request('/api/v1/calendar/2027-03-01', { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf });
  assert.equal(del.status, 204);
  res = await request('/api/v1/calendar/deadline?start=2027-02-26T09:00:00%2B08:00&working_days=1');
  assert.equal(res.json.due, '2027-03-02T00:00:00+08:00');
  assertError(await request('/api/v1/calendar/2027-03-01', { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf }),
    404, 'not_found', 'date');
});

dtest('a 调休 workday must be a weekend day, and only street admins edit the calendar', async () => {
  const admin = await session('admin');
  assertError(await request('/api/v1/calendar/2027-03-02', {
    method: 'PUT', json: { kind: 'workday' }, cookie: admin.cookie, csrf: admin.csrf,
  }), 400, 'invalid_field', 'date');
  assertError(await request('/api/v1/calendar/2027-03-06', {
    method: 'PUT', json: { kind: 'rest' }, cookie: admin.cookie, csrf: admin.csrf,
  }), 400, 'invalid_field', 'kind');
  assertError(await request('/api/v1/calendar/2027-03-06', { method: 'PUT', json: { kind: 'holiday' } }),
    401, 'unauthenticated');
  const staff = await session('baiyun');
  assertError(await request('/api/v1/calendar/2027-03-06', {
    method: 'PUT', json: { kind: 'holiday' }, cookie: staff.cookie, csrf: staff.csrf,
  }), 403, 'forbidden');
});

dtest('the calendar exports as the notice CSV, and a bad import changes nothing', async () => {
  const res = await request('/api/v1/calendar.csv');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  assert.equal(res.text.split('\n')[0], 'date,kind,occasion,weekday');
  assert.match(res.text, /^2026-02-14,workday,.*,Sat$/m);
  const before = res.text;
  const bad = cli(['import', 'calendar', '-'], 'date,kind,occasion,weekday\n2027-05-01,holiday,劳动节,Sat\n2027-05-03,holiday,劳动节,Sun\n');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /line 3/);
  assert.equal((await request('/api/v1/calendar.csv')).text, before);
});
