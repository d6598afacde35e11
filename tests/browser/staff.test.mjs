// The staff pages in a browser: the workbench (queues with counts, filters,
// countdowns) and the case page (routing reason, reporter's contact for
// those allowed, actions built from allowed_actions, refusals where they
// belong), worked the way the street works cases:
//  - a grid worker takes a sanitation report from new to resolved and
//    records the follow-up call (phone width);
//  - 御珑名苑's sewage outside the red line: 白云 community dispatches it as
//    routed, which refers it to 惠阳区市政和代建事务中心; the department
//    reports back, the community resolves it; 星河's staff opening it see no
//    personal data (desktop width);
//  - a refused action shows the server's reason; a duplicate is merged;
//  - anonymous visitors are sent to sign in, residents told it is not theirs;
//  - English.
// Each test creates its own cases through the API (signed in as the street
// admin, channel "staff", so the anonymous rate limit does not apply) and
// finds them by a tag in the description (the text filter), so other test
// files' cases do not change what is asserted.
// Screenshots: workbench-*, case-*, case-department-*, case-public-*,
// workbench-en-*, case-en-*, workbench-gate-*.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { assertClean, BASE, closeBrowser, DEMO_PASSWORD, DESKTOP, newPage, open, PHONE, shot, signIn } from './lib.mjs';

after(closeBrowser);

const RUN = `${Date.now().toString(36)}${process.pid.toString(36)}`;
let seq = 0;
/** A tag no other case has: the workbench's text filter finds exactly the cases carrying it. */
const tag = () => `T${RUN}x${++seq}`;

/** An API session of a demo account (cookie and CSRF token), for setting the scene. */
async function session(login) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  });
  assert.equal(r.status, 200, `sign-in of ${login}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
}

let street;
/** A case reported by phone and entered by the street's duty officer on the reporter's behalf. */
async function report(fields) {
  street ??= await session('street');
  return street('POST', '/api/v1/cases', { channel: 'staff', ...fields });
}

// A point in 白云社区第1网格 outside every compound's red line, and the
// 御珑名苑 spot of the source article (outside its red line: the public sewer).
const GRID_SPOT = { lat: 22.7834, long: 114.4414 };
const SEWAGE = { service_code: 'sewage', lat: 22.7834, long: 114.4414, compound: 'DS-BY-G01-C01', attributes: { problem: 'overflow' } };

/** A small PNG (a red-to-yellow gradient), as a phone camera would not make it but the server checks the bytes. */
function png(w = 48, hgt = 36) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(hgt, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < hgt; y++) {
    rows.push(0);
    for (let x = 0; x < w; x++) rows.push(200, Math.round((255 * x) / w), Math.round((120 * y) / hgt));
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** Opens the workbench filtered to one tag and waits for its list. */
async function workbench(page, t, queue) {
  await open(page, `/work?q=${t}${queue ? `&queue=${queue}` : ''}`);
  await page.waitForSelector('.wb-total:not(:empty)');
  await page.waitForFunction(() => ![...document.querySelectorAll('.wb-count')].some((e) => e.textContent === '…'));
}

/** A screenshot once the page is still: the notice of the last action gone, the map drawn. */
async function still(page, name) {
  await page.waitForSelector('#toast', { state: 'hidden' });
  if (await page.$('.cv-map')) await page.waitForSelector('.cv-map[data-ready], .cv-map .error');
  await shot(page, name);
}

const count = (page, queue) => page.textContent(`.wb-tab[data-queue=${queue}] .wb-count`);
const stateIs = (page, state) => page.waitForSelector(`.cv-badges .st-${state}`);

/** Clicks an action button; for actions with a form, fills it with fill() and submits. */
async function act(page, action, fill) {
  await page.click(`.cv-buttons button[data-action=${action}]`);
  if (fill) {
    await page.waitForSelector(`.cv-form[data-action=${action}]`);
    await fill();
    await page.click(`.cv-form[data-action=${action}] button[type=submit]`);
  }
}

test('anonymous visitors are sent to sign in and come back; residents are told the workbench is not theirs', async () => {
  const page = await newPage({ viewport: PHONE });
  await open(page, '/work');
  const link = await page.waitForSelector('.wb-gate a[href="#/login?next=/work"]');
  assert.match(await page.textContent('.wb-gate'), /请先登录/);
  await still(page, 'workbench-gate');
  await link.click();
  await page.waitForSelector('input[name=login]');
  await page.fill('input[name=login]', 'grid.baiyun');
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForSelector('.wb-tabs');
  assert.equal(new URL(page.url()).hash.split('?')[0], '#/work');
  assert.match(await page.textContent('.wb-scope'), /网格员/);
  assertClean(page);
  await page.context().close();

  const res = await newPage();
  await signIn(res, 'resident');
  await open(res, '/work');
  await res.waitForSelector('.wb-gate [role=alert]');
  assert.match(await res.textContent('.wb-gate'), /没有工作台/);
  assert.equal(await res.$('.wb-tabs'), null);
  assertClean(res);
  await res.context().close();
});

test('a grid worker takes a report from new to resolved and records the follow-up call (phone)', async () => {
  const t = tag();
  const c = await report({
    service_code: 'sanitation', ...GRID_SPOT, description: `3栋旁垃圾堆放三天没人清运 ${t}`,
    name: '周阿姨', phone: '13900007001',
  });
  assert.equal(c.routing.handler.kind, 'grid_worker');

  const page = await newPage({ viewport: PHONE });
  await signIn(page, 'grid.baiyun');
  await workbench(page, t);
  // the new report is in the new queue, counted, with its clock running
  assert.equal(await page.getAttribute('.wb-tab[data-queue=new]', 'aria-pressed'), 'true');
  assert.equal(await count(page, 'new'), '1');
  assert.equal(await count(page, 'mine'), '0');
  assert.equal(await count(page, 'all'), '1');
  const item = page.locator(`.wb-case[data-id="${c.id}"]`);
  assert.match(await item.textContent(), /垃圾与环境卫生/);
  assert.match(await item.locator('.countdown').textContent(), /剩余/);
  await still(page, 'workbench');

  await item.locator('a').click();
  await page.waitForSelector('.cv-head h1');
  assert.match(await page.textContent('.cv-reason'), /小事不出网格/);
  assert.match(await page.textContent('.cv-reporter'), /13900007001/);
  assert.match(await page.textContent('.cv-reporter'), /周阿姨/);
  assert.match(await page.textContent('.cv-now-due .countdown'), /剩余/);
  assert.match(await page.textContent('.cv-place'), /不在小区红线内/);

  await act(page, 'accept');
  await stateIs(page, 'accepted');
  // the keyboard is on the next step
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'dispatch');
  await act(page, 'dispatch', () => page.selectOption('.cv-form select[name=handler]', 'grid_worker'));
  await stateIs(page, 'dispatched');
  assert.match(await page.textContent('.cv-head'), /网格员 · 白云社区第1网格/);
  await act(page, 'contact', () => page.fill('.cv-form textarea[name=text]', '已电话联系周阿姨，今天下午处理'));
  await page.waitForSelector('.cv-timeline li[data-action=contact]');
  assert.match(await page.textContent('.cv-deadlines'), /完成/);
  // contact counts once: its button is gone
  assert.equal(await page.$('.cv-buttons button[data-action=contact]'), null);
  await act(page, 'start');
  await stateIs(page, 'in_progress');

  // resolving without saying what was done: the server names the field
  await act(page, 'resolve', async () => {});
  await page.waitForSelector('.cv-form textarea[name=text][aria-invalid=true]');
  assert.match(await page.textContent('.cv-form .field-error'), /做了什么/);
  await page.fill('.cv-form textarea[name=text]', '已联系环卫清运，现场已清理干净');
  await page.setInputFiles('.cv-form input[name=photo]', { name: 'after.png', mimeType: 'image/png', buffer: png() });
  await page.click('.cv-form[data-action=resolve] button[type=submit]');
  await stateIs(page, 'resolved');
  await page.waitForFunction(() => {
    const img = document.querySelector('.cv-photos img');
    return img && img.complete && img.naturalWidth === 48;
  });
  assert.match(await page.textContent('.cv-timeline li[data-action=resolve]'), /现场已清理干净/);

  // the follow-up call, recorded on the reporter's behalf
  await act(page, 'rate', async () => {
    await page.check('.cv-form input[name=solved][value=yes]');
    await page.check('.cv-form input[name=satisfaction][value=satisfied]');
    await page.fill('.cv-form textarea[name=comment]', '处理及时');
  });
  await stateIs(page, 'closed');
  assert.match(await page.textContent('.cv-rating'), /已解决 · 满意/);
  await still(page, 'case');
  assertClean(page, [/status of 400/]); // the resolve without text, on purpose
  await page.context().close();
});

test('御珑名苑 sewage: the community refers it as routed, the department reports back, the community resolves; 星河 sees no personal data', async () => {
  const t = tag();
  const c = await report({ ...SEWAGE, description: `御珑名苑外污水井冒水，气味很大 ${t}`, name: '刘学政', phone: '13900007002' });
  assert.equal(c.routing.handler.kind, 'department');

  const by = await newPage({ viewport: DESKTOP });
  await signIn(by, 'baiyun');
  await workbench(by, t);
  assert.equal(await count(by, 'new'), '1');
  await by.click(`.wb-case[data-id="${c.id}"] a`);
  await by.waitForSelector('.cv-reason');
  assert.match(await by.textContent('.cv-reason'), /红线外.*惠阳区市政和代建事务中心/);
  assert.match(await by.textContent('.cv-reporter'), /13900007002/);
  await act(by, 'accept');
  await stateIs(by, 'accepted');
  // dispatched as routed: a route to a department is a referral
  await act(by, 'dispatch', async () => {
    assert.match(await by.textContent('.cv-form select[name=handler] option[value=""]'), /区直部门/);
  });
  await stateIs(by, 'dispatched');
  assert.match(await by.textContent('.cv-routing'), /惠阳区市政和代建事务中心/);
  assert.match(await by.textContent('.cv-deadlines'), /部门办理/);

  const sz = await newPage({ viewport: DESKTOP });
  await signIn(sz, 'shizheng');
  await workbench(sz, t);
  assert.equal(await sz.getAttribute('.wb-tab[data-queue=referred]', 'aria-pressed'), 'true');
  assert.equal(await count(sz, 'referred'), '1');
  assert.equal(await count(sz, 'mine'), '1');
  await sz.click(`.wb-case[data-id="${c.id}"] a`);
  await sz.waitForSelector('.cv-buttons');
  assert.match(await sz.textContent('.cv-reporter'), /13900007002/); // the handler sees whom to call
  await act(sz, 'start');
  await stateIs(sz, 'in_progress');
  await act(sz, 'report_back', () => sz.fill('.cv-form textarea[name=text]', '3月4日现场查看，3月5日已修复破裂的污水管'));
  await sz.waitForSelector('.cv-timeline li[data-action=report_back]');
  assert.match(await sz.textContent('.cv-head'), /社区 · 白云社区/);
  await still(sz, 'case-department');
  assertClean(sz);
  await sz.context().close();

  // the community checks and resolves it (首接负责)
  await by.reload();
  await by.waitForSelector('.cv-buttons button[data-action=resolve]');
  await act(by, 'resolve', () => by.fill('.cv-form textarea[name=text]', '社区回访现场，污水已不再外溢'));
  await stateIs(by, 'resolved');
  await still(by, 'case');
  await workbench(by, t, 'rating');
  assert.equal(await count(by, 'rating'), '1');
  assert.equal(await count(by, 'new'), '0');
  await by.waitForSelector(`.wb-case[data-id="${c.id}"]`);
  assert.match(await by.textContent(`.wb-case[data-id="${c.id}"] .wb-due`), /评价截止/);
  await still(by, 'workbench');
  assertClean(by);
  await by.context().close();

  // another community's staff see the public record only
  const xh = await newPage({ viewport: PHONE });
  await signIn(xh, 'xinghe');
  await open(xh, `/case/${c.id}`);
  await xh.waitForSelector('.cv-timeline');
  const text = await xh.textContent('#view');
  assert.doesNotMatch(text, /13900007002/);
  assert.doesNotMatch(text, /刘学政/);
  assert.equal(await xh.$('.cv-reporter'), null);
  assert.equal(await xh.$('.cv-buttons'), null);
  assert.match(await xh.textContent('.cv-note'), /只能看到公开信息/);
  assert.match(text, /公共污水管网/);
  await still(xh, 'case-public');
  assertClean(xh);
  await xh.context().close();
});

test('a step the case has moved past is refused with the server\'s reason', async () => {
  const t = tag();
  const c = await report({ service_code: 'sanitation', ...GRID_SPOT, description: `路边绿化带里有建筑垃圾 ${t}`, phone: '13900007003' });
  const grid = await session('grid.baiyun');
  await grid('POST', `/api/v1/cases/${c.id}/actions`, { action: 'accept' });

  const page = await newPage();
  await signIn(page, 'grid.baiyun');
  await open(page, `/case/${c.id}`);
  await page.waitForSelector('.cv-buttons button[data-action=dispatch]');
  // meanwhile the community takes it up a tier
  const by = await session('baiyun');
  await by('POST', `/api/v1/cases/${c.id}/actions`, { action: 'escalate', text: '涉及多个网格，需社区协调' });
  await act(page, 'dispatch', () => page.selectOption('.cv-form select[name=handler]', 'grid_worker'));
  await page.waitForSelector('.cv-refused');
  assert.match(await page.textContent('.cv-refused'), /只有负责该事项的网格员、社区或街道工作人员可以派单/);
  // drawn again as the case is now: community tier, nothing left for the grid worker
  await page.waitForSelector('.cv-badges .tier-community');
  assert.equal(await page.$('.cv-buttons button[data-action=dispatch]'), null);
  assertClean(page, [/403/]);
  await page.context().close();
});

test('the community refers a case to a department of its choosing, with a deadline the server checks', async () => {
  const t = tag();
  const c = await report({ service_code: 'sanitation', ...GRID_SPOT, description: `占道经营，垃圾满地 ${t}`, phone: '13900007008' });
  const page = await newPage();
  await signIn(page, 'baiyun');
  await open(page, `/case/${c.id}`);
  await act(page, 'accept');
  await stateIs(page, 'accepted');
  // Beijing time on the form: a time already past is refused at its field
  const local = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 16);
  await act(page, 'refer', async () => {
    await page.selectOption('.cv-form select[name=department]', 'HY-CGJ');
    await page.fill('.cv-form input[name=due]', local(Date.now() - 3600e3));
  });
  await page.waitForSelector('.cv-form input[name=due][aria-invalid=true]');
  assert.match(await page.textContent('.cv-form .field-error'), /晚于现在/);
  const due = local(Date.now() + 3 * 86400e3);
  await page.fill('.cv-form input[name=due]', due);
  await page.click('.cv-form[data-action=refer] button[type=submit]');
  await stateIs(page, 'dispatched');
  assert.match(await page.textContent('.cv-routing'), /惠阳区城市管理和综合执法局/);
  const clock = await page.getAttribute('.cv-deadlines time.countdown >> nth=-1', 'datetime');
  assert.equal(clock, `${due}:00+08:00`);
  assertClean(page, [/status of 400/]); // the past deadline, on purpose
  await page.context().close();

  const cg = await newPage({ viewport: PHONE });
  await signIn(cg, 'chengguan');
  await workbench(cg, t);
  assert.equal(await count(cg, 'referred'), '1');
  await cg.waitForSelector(`.wb-case[data-id="${c.id}"]`);
  assertClean(cg);
  await cg.context().close();
});

test('a hotline ticket received days ago is in the street\'s overdue queue, its clock red', async () => {
  // With only an address it goes to the street office's triage, at street
  // tier: the SLA sweep (every minute) cannot escalate it further, so it
  // stays overdue, as a ticket the street has let lie does.
  const t = tag();
  const c = await report({
    service_code: 'sanitation', address: '淡水街道人民四路口', description: `12345热线转来：路口垃圾堆积 ${t}`,
    channel: 'hotline', external_id: `12345-${t}`,
    submitted_at: new Date(Date.now() - 10 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z'),
    name: '吴先生', phone: '13900007007',
  });
  assert.equal(c.routing.tier, 'street');
  const page = await newPage();
  await signIn(page, 'admin');
  await workbench(page, t, 'overdue');
  assert.equal(await count(page, 'overdue'), '1');
  assert.equal(await count(page, 'soon'), '1'); // due within a day includes what is past due
  const clock = page.locator(`.wb-case[data-id="${c.id}"] .countdown`);
  assert.match(await clock.textContent(), /已超时/);
  assert.match(await clock.getAttribute('class'), /overdue/);
  await page.focus(`.wb-case[data-id="${c.id}"] a`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.cv-head');
  assert.match(await page.textContent('.cv-badges'), /超时/);
  assert.match(await page.textContent('.cv-head'), /12345热线/);
  assert.match(await page.textContent('.cv-reason'), /由街道统一受理分拨/);
  assert.match(await page.textContent('.cv-place'), /人民四路口/);
  assert.match(await page.textContent('.cv-reporter'), new RegExp(`12345-${t}`)); // the hotline's ticket number
  assertClean(page);
  await page.context().close();
});

test('a repeated report is merged from the duplicates list', async () => {
  const t = tag();
  const first = await report({ service_code: 'streetlight', lat: 22.7822, long: 114.4428, description: `路灯不亮 ${t}`, phone: '13900007004' });
  const second = await report({ service_code: 'streetlight', lat: 22.78222, long: 114.44282, description: `这里的路灯晚上不亮 ${t}`, phone: '13900007005' });
  assert.ok(second.possible_duplicates.some((d) => d.id === first.id));

  const page = await newPage();
  await signIn(page, 'baiyun');
  await open(page, `/case/${second.id}`);
  const dup = await page.waitForSelector(`.cv-dups li[data-id="${first.id}"]`);
  assert.match(await dup.textContent(), /路灯不亮/);
  await (await dup.$('button.cv-merge-here')).click();
  await page.waitForSelector('.cv-form[data-action=merge]');
  assert.equal(await page.inputValue('.cv-form input[name=merge_into]'), String(first.id));
  await page.click('.cv-form[data-action=merge] button[type=submit]');
  await stateIs(page, 'merged');
  assert.match(await page.textContent('.cv-badges'), new RegExp(`#${first.id}`));
  assertClean(page);
  await page.context().close();
});

test('a long queue pages by 20, and the category filter narrows list and counts', async () => {
  const t = tag();
  for (let i = 0; i < 21; i++) {
    await report({ service_code: 'greenery', ...GRID_SPOT, description: `绿化带缺株 ${i + 1} ${t}`, phone: '13900007009' });
  }
  const page = await newPage();
  await signIn(page, 'grid.baiyun');
  await workbench(page, t, 'all');
  assert.equal(await count(page, 'all'), '21');
  assert.equal(await page.locator('.wb-case').count(), 20);
  assert.match(await page.textContent('.pager'), /第 1 \/ 2 页/);
  await page.click('.pager button:has-text("下一页")');
  await page.waitForSelector('.pager :text("第 2 / 2 页")');
  await page.waitForFunction(() => document.querySelectorAll('.wb-case').length === 1);
  assert.match(new URL(page.url()).hash, /page=2/);
  await page.selectOption('select[name=category]', 'sanitation');
  await page.waitForSelector('.wb-empty');
  await page.waitForFunction(() => document.querySelector('.wb-tab[data-queue=all] .wb-count').textContent === '0');
  await page.selectOption('select[name=category]', 'greenery');
  await page.waitForFunction(() => document.querySelectorAll('.wb-case').length === 20);
  assertClean(page);
  await page.context().close();
});

test('the staff pages in English', async () => {
  const t = tag();
  const c = await report({ ...SEWAGE, description: `Sewage overflowing outside the compound ${t}`, name: 'Liu', phone: '13900007006' });
  const page = await newPage({ lang: 'en' });
  await signIn(page, 'baiyun');
  await workbench(page, t);
  assert.match(await page.textContent('.wb-tabs'), /New.*Mine.*Overdue.*Awaiting rating/);
  assert.match(await page.textContent(`.wb-case[data-id="${c.id}"]`), /Sewage and drainage/);
  assert.match(await page.textContent(`.wb-case[data-id="${c.id}"] .countdown`), /left/);
  await still(page, 'workbench-en');
  await page.click(`.wb-case[data-id="${c.id}"] a`);
  await page.waitForSelector('.cv-reason');
  assert.match(await page.textContent('.cv-reason'), /outside the red line of 御珑名苑/);
  assert.match(await page.textContent('.cv-buttons'), /Accept/);
  assert.match(await page.textContent('.cv-summary'), /What is wrong.*overflowing/);
  await still(page, 'case-en');
  assertClean(page);
  await page.context().close();
});
