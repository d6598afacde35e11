// GET /api/v1/stats/cases with a series (series=day|week: the trend) and a
// breakdown (breakdown=community|grid: the map and the league table), black
// box, on the demo street.
//
// Other test files report cases on the same server at the same time (today,
// anywhere on the street), and the SLA sweep moves open cases on. So this
// file counts only its own cases: hotline tickets that the hotline received
// in a week of May 2025 (a street admin records them with submitted_at), a
// week nobody else reports in; figures are cohorts of the day of submission,
// so that week's figures are this file's alone. Nothing here depends on a
// case's deadline.
import assert from 'node:assert/strict';
import { assertError } from './lib.mjs';
import { ANON, assertStatus, dtest, get, post, session, uniqueCode } from './network-lib.mjs';

const STATS = '/api/v1/stats/cases';
const WEEK = { from: '2025-05-12', to: '2025-05-18' }; // Monday to Sunday
const at = (day, hh = '10') => `${day}T${hh}:00:00+08:00`;

let compounds;
/** The code of the first compound of a grid (from one GET of the areas). */
async function compoundOf(grid) {
  if (!compounds) {
    const r = await get(ANON, '/api/v1/areas?geometry=0&kind=compound');
    assertStatus(r, 200, 'compounds');
    compounds = r.json.features.map((f) => f.properties);
  }
  const c = compounds.filter((p) => p.parent_code === grid).sort((a, b) => a.code.localeCompare(b.code))[0];
  assert.ok(c, `a compound in ${grid}`);
  return c.code;
}

/** A hotline ticket received on a day of the week, in a compound of grid. */
async function ticket(admin, grid, day, service = 'property_repair') {
  const r = await post(admin, '/api/v1/cases', {
    service_code: service, description: `统计分项测试 ${grid}`, compound: await compoundOf(grid), channel: 'hotline',
    external_id: uniqueCode('BRK'), submitted_at: at(day), name: '测试', phone: '13900001234',
  });
  assertStatus(r, 201, `hotline ticket in ${grid}`);
  return r.json;
}

const stats = async (query) => {
  const r = await get(ANON, `${STATS}?${new URLSearchParams(query)}`);
  assertStatus(r, 200, `${STATS}?${new URLSearchParams(query)}`);
  return r.json;
};

const byCode = (list, code) => {
  const a = list.find((x) => x.code === code);
  assert.ok(a, `${code} is listed`);
  return a;
};

let made;
/** This file's cases, made once: two in 白云's first grid, one in its second, one in 星河. */
async function cases() {
  if (!made) {
    const admin = await session('admin');
    made = {
      admin,
      g1a: await ticket(admin, 'DS-BY-G01', '2025-05-12'),
      g1b: await ticket(admin, 'DS-BY-G01', '2025-05-14', 'sanitation'),
      g2: await ticket(admin, 'DS-BY-G02', '2025-05-14'),
      xh: await ticket(admin, 'DS-XH-G01', '2025-05-18'),
    };
  }
  return made;
}

dtest('series=day: one point per day of the period, the cases submitted that day', async () => {
  await cases();
  const s = await stats({ area: 'DS-BY', ...WEEK, series: 'day' });
  assert.equal(s.series.interval, 'day');
  assert.deepEqual(s.series.points.map((p) => p.from), ['2025-05-12', '2025-05-13', '2025-05-14', '2025-05-15',
    '2025-05-16', '2025-05-17', '2025-05-18']);
  for (const p of s.series.points) assert.equal(p.to, p.from);
  assert.deepEqual(s.series.points.map((p) => p.received), [1, 0, 2, 0, 0, 0, 0]);
  for (const k of ['received', 'valid', 'completed', 'resolved', 'responded_on_time', 'resolved_on_time', 'rated',
    'solved_yes', 'satisfied', 'basically_satisfied', 'unsatisfied']) {
    assert.equal(typeof s.series.points[0][k], 'number', `a point has ${k}`);
  }
  assert.equal(s.series.points.reduce((n, p) => n + p.received, 0), s.counts.received);
  assert.equal(s.counts.received, 3);
  // without the parameters, neither part
  const plain = await stats({ area: 'DS-BY', ...WEEK });
  assert.ok(!('series' in plain) && !('by_area' in plain));
  assert.deepEqual(plain.counts, s.counts);
});

dtest('series=week: Monday to Sunday, the first and last weeks cut to the period', async () => {
  await cases();
  // 2025-05-01 is a Thursday, 2025-05-31 a Saturday
  const s = await stats({ area: 'DS', from: '2025-05-01', to: '2025-05-31', series: 'week' });
  assert.equal(s.series.interval, 'week');
  assert.deepEqual(s.series.points.map((p) => [p.from, p.to]), [['2025-05-01', '2025-05-04'],
    ['2025-05-05', '2025-05-11'], ['2025-05-12', '2025-05-18'], ['2025-05-19', '2025-05-25'],
    ['2025-05-26', '2025-05-31']]);
  assert.deepEqual(s.series.points.map((p) => p.received), [0, 0, 4, 0, 0]);
  // a year by day: every day
  const year = await stats({ area: 'DS', from: '2025-01-01', to: '2025-12-31', series: 'day' });
  assert.equal(year.series.points.length, 365);
  assert.equal(year.series.points.find((p) => p.from === '2025-05-14').received, 2);
});

dtest('breakdown=grid: every grid of the community with its counts, rates and overdue cases', async () => {
  await cases();
  const s = await stats({ area: 'DS-BY', ...WEEK, breakdown: 'grid' });
  const codes = s.by_area.map((a) => a.code);
  assert.deepEqual(codes, [...codes].sort(), 'in code order');
  assert.equal(s.by_area.length, 6, '白云 has six grids, all listed');
  for (const a of s.by_area) {
    assert.equal(a.kind, 'grid');
    assert.match(a.code, /^DS-BY-G0\d$/);
    assert.ok(a.name && a.name_en && typeof a.id === 'number');
    assert.ok(a.overdue_open >= 0 && a.overdue_open <= a.counts.received);
    assert.deepEqual(Object.keys(a.rates).sort(), Object.keys(s.rates).sort());
  }
  assert.equal(byCode(s.by_area, 'DS-BY-G01').counts.received, 2);
  assert.equal(byCode(s.by_area, 'DS-BY-G02').counts.received, 1);
  assert.equal(byCode(s.by_area, 'DS-BY-G03').counts.received, 0);
  assert.equal(byCode(s.by_area, 'DS-BY-G03').rates.response.value, null, 'nothing to rate is null, not 0');
  assert.equal(s.by_area.reduce((n, a) => n + a.counts.received, 0), s.counts.received);
  // the street by grid: every grid of every community
  const street = await stats({ area: 'DS', ...WEEK, breakdown: 'grid' });
  assert.ok(street.by_area.length > 50);
  assert.equal(byCode(street.by_area, 'DS-XH-G01').counts.received, 1);
  // everything by community: the 20 communities
  const all = await stats({ ...WEEK, breakdown: 'community' });
  assert.equal(all.by_area.length, 20);
  assert.equal(byCode(all.by_area, 'DS-BY').counts.received, 3);
  assert.equal(byCode(all.by_area, 'DS-XH').counts.received, 1);
  assert.equal(byCode(all.by_area, 'DS-BH').counts.received, 0);
});

dtest('the parts follow the cases: a resolved case shows in its day and its grid', async () => {
  const { g1a } = await cases();
  const admin = await session('admin');
  const baiyun = await session('baiyun');
  const act = async (who, body) => {
    const r = await post(who, `/api/v1/cases/${g1a.id}/actions`, body);
    assertStatus(r, 200, `${body.action} case ${g1a.id}`);
  };
  const before = await stats({ area: 'DS-BY', ...WEEK, series: 'day', breakdown: 'grid' });
  const g1Before = byCode(before.by_area, 'DS-BY-G01').counts;
  await act(admin, { action: 'accept' });
  await act(admin, { action: 'dispatch', handler: 'grid_worker' });
  await act(baiyun, { action: 'resolve', text: '已维修完毕' });
  const after = await stats({ area: 'DS-BY', ...WEEK, series: 'day', breakdown: 'grid' });
  const g1After = byCode(after.by_area, 'DS-BY-G01').counts;
  assert.equal(g1After.received, g1Before.received);
  assert.equal(g1After.resolved, g1Before.resolved + 1);
  assert.equal(g1After.completed, g1Before.completed + 1);
  assert.equal(after.series.points[0].resolved, before.series.points[0].resolved + 1, 'on 2025-05-12, its day');
  assert.equal(after.series.points[2].resolved, before.series.points[2].resolved);
  const completion = byCode(after.by_area, 'DS-BY-G01').rates.completion;
  assert.equal(completion.denominator, 2);
  assert.equal(completion.numerator, g1After.completed);
  assert.equal(after.counts.resolved, before.counts.resolved + 1);
});

dtest('an organisation by community; a category cuts both parts', async () => {
  await cases();
  const byOrg = await stats({ area: 'DS', org: 'HY-SZDJ', ...WEEK, breakdown: 'community', series: 'week' });
  assert.equal(byOrg.by_area.length, 20);
  assert.equal(byOrg.series.points.length, 1);
  const sanitation = await stats({ area: 'DS-BY', category: 'sanitation', ...WEEK, series: 'day', breakdown: 'grid' });
  assert.equal(sanitation.counts.received, 1);
  assert.deepEqual(sanitation.series.points.map((p) => p.received), [0, 0, 1, 0, 0, 0, 0]);
  assert.equal(byCode(sanitation.by_area, 'DS-BY-G01').counts.received, 1);
  assert.equal(byCode(sanitation.by_area, 'DS-BY-G02').counts.received, 0);
});

dtest('bad series and breakdowns are 400 naming the parameter', async () => {
  assertError(await get(ANON, `${STATS}?series=month`), 400, 'invalid_query', 'series');
  assertError(await get(ANON, `${STATS}?breakdown=compound`), 400, 'invalid_query', 'breakdown');
  assertError(await get(ANON, `${STATS}?area=DS-BY&breakdown=community`), 400, 'invalid_query', 'breakdown');
  assertError(await get(ANON, `${STATS}?area=DS-BY-G01&breakdown=grid`), 400, 'invalid_query', 'breakdown');
  assertError(await get(ANON, `${STATS}?org=HY-SZDJ&breakdown=grid`), 400, 'invalid_query', 'breakdown');
  const r = await get(ANON, `${STATS}?series=week`);
  assertStatus(r, 200, 'the default period with a series');
  assert.ok(r.json.series.points.length >= 5 && r.json.series.points.length <= 6, '30 days are 5 or 6 weeks');
});
