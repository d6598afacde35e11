// The street at a glance (#/dashboard) in a browser, on the demo street with
// its history of cases (scripts/run-browser loads `tongxin demo --cases`):
// the street's figures, then a community's; the period picker; the trend
// chart (uPlot's canvas and legend) and the map of grids (Leaflet's SVG and
// the legend); the communities' table; the overdue list (public, then a
// street admin's queue); the three lists' figures; English; and figures
// that follow a case reported and resolved through the API meanwhile.
// Screenshots: dashboard-*, dashboard-community-*, dashboard-en-*.
//
// Other browser tests run against the same server at the same time and
// report cases today: nothing here counts today's cases exactly. The case
// this file makes is a hotline ticket received 120 days ago (before the
// demo's 90 days), so that day's figures for 星河 are this file's alone.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertClean, BASE, closeBrowser, DEMO_PASSWORD, DESKTOP, newPage, open, PHONE, shot, signIn } from './lib.mjs';

after(closeBrowser);

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

/** Waits until the dashboard shows its figures for where (an area name) and the period. */
async function loaded(page, where, from, to) {
  await page.waitForFunction(([w, f, t]) => {
    const at = document.querySelector('.db-where');
    const period = document.querySelector('.db-period');
    return at && (!w || at.textContent === w) && (!f || period.textContent.includes(f)) && (!t || period.textContent.includes(t))
      && document.querySelector('.db-kpis [data-kpi="received"]');
  }, [where, from, to]);
}

async function kpi(page, key) {
  return Number((await page.textContent(`.db-kpis [data-kpi="${key}"] .kpi-value`)).trim());
}

/** "n / d" of a rate tile, as numbers (0 / 0 when there is nothing to rate). */
async function fraction(page, key) {
  const s = await page.textContent(`.db-kpis [data-kpi="${key}"] .kpi-sub`);
  const m = /(\d+) \/ (\d+)/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

async function areaIdByCode(code) {
  const r = await fetch(`${BASE}/api/v1/areas?geometry=0&kind=community`);
  const f = (await r.json()).features.find((x) => x.properties.code === code);
  assert.ok(f, `community ${code}`);
  return f.properties.id;
}

for (const viewport of [PHONE, DESKTOP]) {
  test(`the street at ${viewport.width} px: figures, trend, map, tables, overdue, the three lists`, async () => {
    const page = await newPage({ viewport });
    await open(page, '/dashboard');
    await loaded(page, '淡水街道');
    assert.match(await page.textContent('h1'), /街道概况/);
    assert.equal(await page.$eval('select[name=area]', (s) => s.selectedOptions[0].textContent), '淡水街道（全街道）');
    // the default period: the 30 days up to today
    assert.equal(await page.inputValue('input[name=to]'), today());
    assert.equal(await page.inputValue('input[name=from]'), addDays(today(), -29));
    // the figures: received (the demo's cases) and the seven rates
    assert.ok(await kpi(page, 'received') > 20, 'the demo street has cases in the last 30 days');
    for (const k of ['response', 'resolution', 'satisfaction', 'on_time', 'completion', 'grid_closure', 'community_closure']) {
      assert.match(await page.textContent(`.db-kpis [data-kpi="${k}"] .kpi-value`), /^\d+\.\d%$/, `rate ${k}`);
    }
    // the trend: uPlot's canvas, its legend, and the same data as a table (30 days by day)
    await page.waitForSelector('.db-trend canvas');
    assert.match(await page.textContent('.db-trend .u-legend'), /收到.*其中已办结/s);
    assert.equal(await page.$$eval('.db-trend details tbody tr', (rs) => rs.length), 30);
    // the map: every grid drawn in Leaflet's SVG, coloured, with a legend
    await page.waitForSelector('.db-mapbox svg path.leaflet-interactive');
    await page.waitForSelector('.db-map .legend-items li:nth-child(2)');
    const grids = Number(await page.getAttribute('.db-mapbox', 'data-grids'));
    assert.ok(grids >= 60, `the street's grids are on the map (${grids})`);
    assert.ok(await page.$$eval('.db-mapbox svg path.leaflet-interactive', (ps) => ps.length) >= grids);
    assert.match(await page.textContent('.db-map .legend-title'), /图例/);
    // every community side by side, each a link to its own view
    await page.waitForSelector('.db-table tbody tr');
    assert.equal(await page.$$eval('.db-table tbody tr', (rs) => rs.length), 20);
    assert.ok(await page.$('.db-table tbody a[href*="area="]'));
    // by state, category and channel
    for (const g of ['state', 'category', 'channel']) {
      assert.ok(await page.$$eval(`.db-groups [data-group="${g}"] li`, (ls) => ls.length) >= 1, `by ${g}`);
    }
    // overdue now: the public list (no personal data), or nothing overdue
    await page.waitForSelector('.db-overdue .overdue-list, .db-overdue .empty');
    assert.match(await page.textContent('.db-overdue .hint'), /不含反映人信息/);
    if (await page.$('.db-overdue .overdue-item')) {
      assert.match(await page.getAttribute('.db-overdue .overdue-item a', 'href'), /^#\/cases\?id=\d+$/);
      assert.match(await page.textContent('.db-overdue .overdue-item .countdown'), /已超时/);
    }
    // the three lists: needs, resources, projects, and what member units did
    await page.waitForSelector('.db-lists .lists-kpis');
    assert.equal(await page.$$eval('.db-lists .lists-kpis .kpi', (ks) => ks.length), 6);
    assert.match(await page.textContent('.db-lists'), /成员单位贡献/);
    assert.doesNotMatch(await page.textContent('#view'), /\bnull\b|undefined|NaN/);
    await shot(page, 'dashboard');
    assertClean(page);
    await page.context().close();
  });
}

test('a community, then other periods: the figures follow the choice and the link', async () => {
  const page = await newPage({ viewport: DESKTOP });
  const from90 = addDays(today(), -89);
  await open(page, `/dashboard?from=${from90}&to=${today()}`);
  await loaded(page, '淡水街道', from90);
  const street90 = await kpi(page, 'received');
  assert.match(await page.textContent('.db-trend h2'), /按周/, '90 days are shown by week');
  // pick 白云: its own figures, its grids on the map and in the table
  await page.selectOption('select[name=area]', { label: '白云社区' });
  await page.waitForURL(/area=\d+/);
  await loaded(page, '白云社区', from90);
  const baiyun90 = await kpi(page, 'received');
  assert.ok(baiyun90 > 0 && baiyun90 < street90, `白云 (${baiyun90}) is part of the street (${street90})`);
  assert.match(page.url(), new RegExp(`from=${from90}`), 'the period stays in the link');
  await page.waitForSelector('.db-table tbody tr');
  assert.equal(await page.$$eval('.db-table tbody tr', (rs) => rs.length), 6, '白云 has six grids');
  await page.waitForSelector('.db-map .legend-items li');
  assert.equal(await page.getAttribute('.db-mapbox', 'data-grids'), '6');
  assert.ok(await page.$('a[href="#/dashboard?from=' + from90 + '&to=' + today() + '"]'), 'a way back to the street');
  await shot(page, 'dashboard-community');
  // the last 7 days: fewer cases, by day
  await page.click('.presets button:has-text("近7天")');
  await loaded(page, '白云社区', addDays(today(), -6), today());
  assert.ok(await kpi(page, 'received') <= baiyun90);
  assert.equal(await page.$$eval('.db-trend details tbody tr', (rs) => rs.length), 7);
  assert.equal(await page.getAttribute('.presets button.current', 'aria-pressed'), 'true');
  // the whole street over the same 7 days has fewer cases than over 90
  await page.selectOption('select[name=area]', { index: 0 });
  await loaded(page, '淡水街道', addDays(today(), -6));
  const street7 = await kpi(page, 'received');
  assert.ok(street7 < street90, `7 days (${street7}) < 90 days (${street90})`);
  // dates typed in: the link and the figures follow; the same link shows the same view
  const from = addDays(today(), -59);
  const to = addDays(today(), -30);
  await page.fill('input[name=from]', from);
  await page.fill('input[name=to]', to);
  await page.click('.db-apply button');
  await loaded(page, '淡水街道', from, to);
  assert.match(page.url(), new RegExp(`from=${from}&to=${to}`));
  const month = await kpi(page, 'received');
  await page.reload();
  await loaded(page, '淡水街道', from, to);
  assert.equal(await kpi(page, 'received'), month, 'the link is the view');
  // a period the server refuses: its message next to the field it names
  await page.fill('input[name=from]', today());
  await page.fill('input[name=to]', addDays(today(), -3));
  await page.click('.db-apply button');
  await page.waitForSelector('.field-error');
  assert.equal(await page.getAttribute('input[name=to]', 'aria-invalid'), 'true');
  assert.match(await page.textContent('.db-filters .field-error'), /from/);
  assertClean(page, [/status of 400/, /HTTP 400/]);
  await page.context().close();
});

test('in English, and switching language on the page', async () => {
  const page = await newPage({ viewport: DESKTOP, lang: 'en' });
  await open(page, '/dashboard');
  await loaded(page, 'Danshui Sub-district');
  assert.match(await page.textContent('h1'), /Dashboard/);
  assert.match(await page.textContent('.db-kpis'), /Response.*Satisfaction.*Closed in the grid/s);
  await page.waitForSelector('.db-trend .u-legend');
  assert.match(await page.textContent('.db-trend .u-legend'), /Received.*of them resolved/s);
  await page.waitForSelector('.db-table tbody tr');
  assert.match(await page.textContent('.db-table tbody'), /Community/, 'community names in English');
  await page.waitForSelector('.db-lists .lists-kpis');
  await shot(page, 'dashboard-en');
  await page.click('#lang');
  await loaded(page, '淡水街道');
  assert.match(await page.textContent('h1'), /街道概况/);
  assertClean(page);
  await page.context().close();
});

test('staff see their own queue\'s overdue cases, linked to the case page; community staff start at home', async () => {
  for (const [login, home] of [['admin', '淡水街道'], ['baiyun', '白云社区'], ['grid.baiyun', '淡水街道']]) {
    const page = await newPage({ viewport: PHONE });
    await signIn(page, login);
    await open(page, '/dashboard');
    await loaded(page, home);
    await page.waitForSelector('.db-overdue .overdue-list, .db-overdue .empty');
    assert.match(await page.textContent('.db-overdue .hint'), /您负责范围内/, `${login}: the staff queue`);
    assert.doesNotMatch(await page.textContent('.db-overdue'), /\bnull\b|undefined/);
    if (await page.$('.db-overdue .overdue-item')) {
      assert.match(await page.getAttribute('.db-overdue .overdue-item a', 'href'), /^#\/case\/\d+$/);
      assert.ok(await page.$('.db-overdue a[href^="#/work"]'));
    }
    if (login === 'baiyun') await shot(page, 'dashboard-staff');
    assertClean(page);
    await page.context().close();
  }
});

// ---- a case reported and resolved through the API while the page is open ----

async function session(login) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  });
  assert.equal(r.status, 200, `sign in as ${login}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: (await r.json()).csrf_token };
}

async function call(who, path, body) {
  const r = await fetch(`${BASE}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: who.cookie, 'x-csrf-token': who.csrf },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  assert.ok(r.status < 300, `POST ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

test('the figures follow a case reported and resolved meanwhile', async () => {
  const day = addDays(today(), -120);
  const xinghe = await areaIdByCode('DS-XH');
  const page = await newPage({ viewport: DESKTOP });
  const view = `/dashboard?area=${xinghe}&from=${day}&to=${day}`;
  await open(page, view);
  await loaded(page, '星河社区', day, day);
  const received = await kpi(page, 'received');
  const [done, valid] = await fraction(page, 'completion');
  // a hotline ticket received that day at 星河丹堤, recorded by the street
  const admin = await session('admin');
  const c = await call(admin, '/api/v1/cases', {
    service_code: 'sanitation', description: '看板测试：楼下垃圾桶满溢', compound: 'DS-XH-G01-C01', channel: 'hotline',
    external_id: `DASH-${Date.now().toString(36)}-${process.pid}`, submitted_at: `${day}T09:30:00+08:00`,
  });
  await page.reload();
  await loaded(page, '星河社区', day, day);
  assert.equal(await kpi(page, 'received'), received + 1, 'received goes up by one');
  assert.deepEqual(await fraction(page, 'completion'), [done, valid + 1], 'one more to complete');
  // accepted, dispatched and resolved: the completion rate counts it
  await call(admin, `/api/v1/cases/${c.id}/actions`, { action: 'accept' });
  await call(admin, `/api/v1/cases/${c.id}/actions`, { action: 'dispatch', handler: 'grid_worker' });
  await call(await session('xinghe'), `/api/v1/cases/${c.id}/actions`, { action: 'resolve', text: '已清运' });
  await page.reload();
  await loaded(page, '星河社区', day, day);
  assert.equal(await kpi(page, 'received'), received + 1);
  assert.deepEqual(await fraction(page, 'completion'), [done + 1, valid + 1], 'and now it is done');
  assert.equal(await page.textContent('.db-trend details tbody tr td:nth-child(2)'), String(received + 1));
  assertClean(page);
  await page.context().close();
});
