// The residents' pages in a browser, no account: reporting (#/report), the
// tracking page by its link (#/track/ID?token=…) and the public cases
// (#/cases). The 御珑名苑 sewage story — a pin just outside the compound's
// red line goes to 惠阳区市政和代建事务中心 through 白云 community, and the
// page says why before and after sending; a compound chosen instead of a
// pin, by keyboard, with a photo; errors shown at their fields (the
// page's own checks and the server's); the follow-up (rate) on a case that
// staff resolved through the API; the public list filtered by community;
// English; the map's own ways (a click, "use my location"); and the weight
// of the report page. Screenshots: report, track-new, track, public-cases
// and case, at phone and desktop widths.
//
// Cases made through the API are reported as the demo `resident` account,
// so they do not use up the anonymous intake limit (20 per address per 10
// minutes) that the reports sent through the page do.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertClean, BASE, closeBrowser, DEMO_PASSWORD, DESKTOP, newPage, open, PHONE, shot } from './lib.mjs';

after(closeBrowser);

// A 2×2 PNG (red): the server checks photos by their bytes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64');
const unique = (p) => `${p}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

// ---- the API, as staff and as a signed-in resident (Node's fetch) ----

async function login(name) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: name, password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 200, `sign-in of ${name}`);
  const body = await res.json();
  return { cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), csrf: body.csrf_token };
}

async function call(who, method, path, json) {
  const headers = { accept: 'application/json' };
  if (json !== undefined) headers['content-type'] = 'application/json';
  if (who) Object.assign(headers, { cookie: who.cookie, 'x-csrf-token': who.csrf });
  const res = await fetch(`${BASE}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const body = await res.json().catch(() => null);
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** A case reported by the demo resident: its id and tracking link. */
async function reportByApi(body) {
  const resident = await login('resident');
  return call(resident, 'POST', '/api/v1/cases', body);
}

/** The staff steps of the 御珑名苑 story: 白云 accepts and refers, the centre reports back, 白云 resolves. */
async function resolveByStaff(id) {
  const baiyun = await login('baiyun');
  const shizheng = await login('shizheng');
  const step = (who, json) => call(who, 'POST', `/api/v1/cases/${id}/actions`, json);
  await step(baiyun, { action: 'accept' });
  await step(baiyun, { action: 'dispatch' }); // as routed: a referral to 惠阳区市政和代建事务中心
  await step(shizheng, { action: 'report_back', text: '已更换破损的公共污水管' });
  const done = await step(baiyun, { action: 'resolve', text: '市政中心已修复，现场已清理' });
  assert.equal(done.state, 'resolved');
}

// ---- the page ----

/** Picks a category by searching for it, as a resident would. */
async function chooseCategory(page, search, name) {
  await page.fill('input[name=cat_q]', search);
  await page.click(`.cat-tile:has-text("${name}")`);
  assert.equal(await page.isChecked(`.cat-tile:has-text("${name}") input`), true);
}

/** Types latitude and longitude (the way without the map) and waits for the place to be known. */
async function typePoint(page, lat, long) {
  if (!(await page.isVisible('input[name=lat]'))) await page.click('details.latlong summary');
  await page.fill('input[name=lat]', String(lat));
  await page.fill('input[name=long]', String(long));
  await page.press('input[name=long]', 'Enter');
  await page.waitForFunction(() => /›/.test(document.querySelector('.place-note').textContent));
}

const previewText = (page) => page.textContent('aside.preview');

for (const viewport of [PHONE, DESKTOP]) {
  test(`at ${viewport.width} px: sewage outside 御珑名苑's red line goes to the municipal works centre, and the page says why before and after sending`, async () => {
    const page = await newPage({ viewport });
    await open(page, '/report');
    assert.equal(await page.textContent('h1'), '我要反映');
    await chooseCategory(page, '下水道', '污水与排水'); // found by a keyword, not by its name
    await page.selectOption('select[name=attr_problem]', 'overflow');
    await typePoint(page, 22.7834, 114.4414);
    assert.match(await page.textContent('.place-note'), /白云社区.*小区红线外/);
    // the compound it concerns, from the searchable list
    await page.fill('input[name=compound]', '御珑');
    await page.click('#rp-compounds [role=option]:has-text("御珑名苑")');
    assert.equal(await page.inputValue('input[name=compound]'), '御珑名苑');
    await page.waitForFunction(() => /在御珑名苑红线外/.test(document.querySelector('aside.preview').textContent));
    const before = await previewText(page);
    assert.match(before, /在御珑名苑红线外/);
    assert.match(before, /惠阳区市政和代建事务中心/);
    assert.match(before, /白云社区/);
    assert.match(before, /受理时限/);
    await page.fill('textarea[name=description]', '2栋后面小区围墙外的污水井冒水，味道很大');
    await page.fill('input[name=name]', '李女士');
    await page.fill('input[name=phone]', '13900001234');
    await shot(page, 'report');
    await page.click('form.report button[type=submit]');
    await page.waitForURL(/#\/track\/\d+\?token=/);
    await page.waitForSelector('.progress-card');
    assert.match(page.url(), /#\/track\/\d+\?token=[A-Za-z0-9_-]+$/, 'the address bar holds the clean tracking link');
    assert.match(await page.textContent('.new-banner'), /已收到您的反映/);
    assert.match(await page.inputValue('input[name=tracking_link]'), /\/#\/track\/\d+\?token=/);
    const afterText = await page.textContent('.progress-card');
    assert.match(afterText, /在御珑名苑红线外/);
    assert.match(afterText, /惠阳区市政和代建事务中心/);
    assert.match(afterText, /待受理/);
    assert.match(await page.textContent('ol.timeline'), /提交诉求/);
    assert.match(await page.textContent('.page-track'), /污水外溢/);
    assert.doesNotMatch(await page.textContent('.page-track'), /13900001234/, 'the phone is not shown back');
    assert.ok(await page.$('.dues .countdown'), 'deadlines count down');
    await shot(page, 'track-new');
    // this device remembers the report: the report page links back to it
    const id = /#\/track\/(\d+)/.exec(page.url())[1];
    await page.click('#nav a[href="#/report"]');
    await page.waitForSelector('details.mine');
    assert.match(await page.textContent('details.mine summary'), /本机上的反映/);
    assert.ok(await page.$(`details.mine a[href^="#/track/${id}?token="]`), 'a link to the tracking page');
    assertClean(page);
    await page.context().close();
  });
}

test('a compound chosen instead of a point, by keyboard, with a photo: inside the red line it is the property company’s', async () => {
  const page = await newPage();
  await open(page, '/report');
  await chooseCategory(page, '物业', '小区物业维修');
  assert.match(await previewText(page), /选好问题类型并给出位置后/);
  await page.focus('input[name=compound]');
  await page.keyboard.type('御珑');
  await page.waitForSelector('#rp-compounds [role=option]');
  await page.keyboard.press('ArrowDown');
  assert.match(await page.getAttribute('input[name=compound]', 'aria-activedescendant'), /rp-c-0/);
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('input[name=compound]'), '御珑名苑');
  assert.ok(page.url().endsWith('#/report'), 'Enter in the list chose the compound, it did not send the form');
  await page.waitForFunction(() => /红线内/.test(document.querySelector('aside.preview dl')?.textContent || ''));
  const pv = await previewText(page);
  assert.match(pv, /位于御珑名苑（白云社区）红线内/);
  assert.match(pv, /物业/);
  await page.setInputFiles('input[name=photo]', { name: 'leak.png', mimeType: 'image/png', buffer: PNG });
  await page.waitForSelector('.thumbs img');
  await page.fill('textarea[name=description]', '5栋电梯停运两天');
  await page.click('form.report button[type=submit]');
  await page.waitForSelector('.progress-card');
  const text = await page.textContent('.page-track');
  assert.match(text, /御珑名苑红线内/);
  await page.waitForFunction(() => {
    const img = document.querySelector('.photos img');
    return img && img.complete && img.naturalWidth === 2;
  });
  assertClean(page);
  await page.context().close();
});

test('mistakes are shown at their fields: the page’s own checks, then the server’s', async () => {
  const page = await newPage({ viewport: PHONE });
  await open(page, '/report');
  await page.click('form.report button[type=submit]');
  await page.waitForSelector('.field-error');
  const errors = await page.$$eval('.field-error', (els) => els.map((e) => e.textContent));
  assert.ok(errors.includes('请选择问题类型'), errors.join(' | '));
  assert.ok(errors.some((e) => /请给出位置/.test(e)), errors.join(' | '));
  assert.ok(errors.includes('请描述问题'), errors.join(' | '));
  assert.equal(await page.getAttribute('textarea[name=description]', 'aria-invalid'), 'true');
  assert.match(await page.textContent('fieldset.step:has(legend:has-text("什么问题")) .err-slot'), /请选择问题类型/);
  assert.match(await page.textContent('.field:has(textarea[name=description])'), /请描述问题/);
  // a required question of the category, a bad phone and a picture that is not one
  await chooseCategory(page, '噪音', '噪音扰民');
  await page.fill('textarea[name=description]', '广场舞音响太吵');
  await page.fill('input[name=address]', '星河丹堤东门广场');
  await page.fill('input[name=phone]', 'call me');
  await page.setInputFiles('input[name=photo]', { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') });
  await page.waitForSelector('.field:has(input[name=photo]) .field-error');
  assert.match(await page.textContent('.field:has(input[name=photo])'), /notes\.jpg：只能上传 JPEG、PNG 或 WebP 图片/);
  assert.equal(await page.$$eval('.thumbs li', (l) => l.length), 0);
  await page.click('form.report button[type=submit]');
  await page.waitForSelector('.field:has(input[name=phone]) .field-error');
  assert.match(await page.textContent('.field:has(input[name=phone]) .field-error'), /电话号码只能包含数字/);
  assert.match(await page.textContent('.field:has(select[name=attr_when]) .field-error'), /请填写“什么时候”/);
  assert.equal(await page.getAttribute('select[name=attr_when]', 'aria-invalid'), 'true');
  assert.match(await page.textContent('.form-note'), /还有 2 处需要修改/);
  // a pasted control character is the server's to refuse: its message, naming the field, lands there
  await page.selectOption('select[name=attr_when]', 'night');
  await page.fill('input[name=phone]', '13900005678');
  await page.fill('textarea[name=description]', '广场舞音响太吵\u0007');
  await page.click('form.report button[type=submit]');
  await page.waitForSelector('.field:has(textarea[name=description]) .field-error');
  assert.match(await page.textContent('.field:has(textarea[name=description]) .field-error'), /description/);
  assert.equal(await page.getAttribute('textarea[name=description]', 'aria-invalid'), 'true');
  assert.ok(page.url().endsWith('#/report'), 'nothing was sent');
  assert.equal(await page.isEnabled('form.report button[type=submit]'), true);
  assertClean(page, [/status of 400/]);
  await page.context().close();
});

for (const viewport of [PHONE, DESKTOP]) {
  test(`at ${viewport.width} px: the tracking link shows the public timeline, then the reporter rates the resolved case`, async () => {
    const c = await reportByApi({
      service_code: 'sewage', description: '御珑名苑围墙外污水井冒水，气味很大', lat: 22.7834, long: 114.4414,
      compound: 'DS-BY-G01-C01', attributes: { problem: 'overflow' }, name: '刘先生', phone: '13900002222',
    });
    await resolveByStaff(c.id);
    const page = await newPage({ viewport });
    await open(page, c.tracking_url); // a bookmark: a fresh browser, no account
    await page.waitForSelector('.progress-card');
    assert.match(await page.textContent('h1'), new RegExp(`诉求 #${c.id}`));
    assert.match(await page.textContent('.progress-card'), /已办结待评价/);
    assert.match(await page.textContent('.progress-card'), /白云社区（社区）/);
    assert.match(await page.textContent('.progress-card'), /评价截止/);
    const steps = await page.$$eval('ol.timeline > li', (l) => l.map((x) => x.dataset.action));
    assert.deepEqual(steps, ['report', 'accept', 'refer', 'report_back', 'resolve']);
    const timeline = await page.textContent('ol.timeline');
    assert.match(timeline, /已更换破损的公共污水管/);
    assert.match(timeline, /区直部门/);
    assert.doesNotMatch(await page.textContent('#view'), /13900002222|刘先生/);
    // the follow-up: both questions must be answered
    await page.click('form.rate-form button[type=submit]');
    await page.waitForSelector('form.rate-form .field-error');
    assert.match(await page.textContent('fieldset[data-field=solved]'), /请回答问题是否已解决/);
    assert.match(await page.textContent('fieldset[data-field=satisfaction]'), /请选择满意程度/);
    await page.check('input[name=solved][value=yes]');
    await page.check('input[name=satisfaction][value=basically_satisfied]');
    await page.fill('textarea[name=comment]', '修得挺快，希望定期检查');
    await page.click('form.rate-form button[type=submit]');
    await page.waitForSelector('section.rated');
    assert.match(await page.textContent('section.rated'), /已解决.*基本满意/s);
    assert.match(await page.textContent('.progress-card'), /已结案/);
    assert.match(await page.textContent('ol.timeline > li:last-child'), /评价.*您.*修得挺快/s);
    assert.equal(await page.$('form.rate-form'), null);
    await shot(page, 'track');
    assertClean(page);
    await page.context().close();
  });
}

test('a tracking link with a wrong token says so, and one without a token explains what is missing', async () => {
  const c = await reportByApi({ service_code: 'streetlight', description: '路灯不亮', lat: 22.7815, long: 114.442 });
  const page = await newPage({ viewport: PHONE });
  await open(page, `/track/${c.id}?token=not-the-token`);
  assert.match(await page.textContent('#view .error'), /跟踪令牌与该诉求不符/);
  await open(page, `/track/${c.id}`);
  assert.match(await page.textContent('#view .error'), /缺少跟踪码/);
  assertClean(page, [/status of 403/]);
  await page.context().close();
});

for (const viewport of [PHONE, DESKTOP]) {
  test(`at ${viewport.width} px: the public list filtered by community, and a case's public page without personal data`, async () => {
    const word = unique('灯');
    const xinghe = (await call(null, 'GET', `/api/v1/areas?kind=community&name=${encodeURIComponent('星河')}&geometry=0`)).features[0];
    const inXinghe = await call(null, 'GET', '/api/v1/locate?lat=22.7855&long=114.4825');
    assert.equal(inXinghe.community.code, 'DS-XH');
    const by = await reportByApi({ service_code: 'streetlight', description: `白云路灯不亮 ${word}`, lat: 22.7815, long: 114.442, name: '王五', phone: '13900003333' });
    const xh = await reportByApi({ service_code: 'streetlight', description: `星河路灯不亮 ${word}`, lat: 22.7855, long: 114.4825 });
    const page = await newPage({ viewport });
    await open(page, `/cases?q=${encodeURIComponent(word)}`);
    await page.waitForSelector(`.case-item[data-id="${xh.id}"]`);
    assert.deepEqual((await page.$$eval('.case-item', (l) => l.map((x) => Number(x.dataset.id)))).sort(), [by.id, xh.id].sort());
    await page.selectOption('select[name=community]', String(xinghe.properties.id));
    await page.waitForFunction((id) => !document.querySelector(`.case-item[data-id="${id}"]`), by.id);
    assert.deepEqual(await page.$$eval('.case-item', (l) => l.map((x) => Number(x.dataset.id))), [xh.id]);
    assert.match(await page.textContent('.count'), /共 1 条/);
    assert.match(page.url(), new RegExp(`community=${xinghe.properties.id}`), 'the filter is in the link');
    await page.selectOption('select[name=community]', '4'); // 白云社区
    await page.waitForSelector(`.case-item[data-id="${by.id}"]`);
    assert.match(await page.textContent(`.case-item[data-id="${by.id}"]`), /白云社区.*待受理/s);
    await page.waitForSelector('.cases-map path.case-dot');
    await shot(page, 'public-cases');
    await page.click(`.case-item[data-id="${by.id}"] a`);
    await page.waitForSelector('.progress-card');
    assert.match(await page.textContent('h1'), new RegExp(`诉求 #${by.id}`));
    assert.match(await page.textContent('ol.timeline'), /提交诉求/);
    assert.match(await page.textContent('.page-cases'), /路灯不亮/);
    assert.doesNotMatch(await page.textContent('#view'), /王五|13900003333/);
    assert.equal(await page.$('form'), null, 'the public page offers no reporter actions');
    await shot(page, 'case');
    await page.click('p.back a');
    await page.waitForSelector(`.case-item[data-id="${by.id}"]`);
    assert.equal(await page.inputValue('select[name=community]'), '4', 'back to the filtered list');
    assertClean(page);
    await page.context().close();
  });
}

test('in English: the report page, its preview and a draft kept across the switch; the tracking and public pages', async () => {
  const page = await newPage();
  await open(page, '/report');
  await chooseCategory(page, '污水', '污水与排水');
  await page.selectOption('select[name=attr_problem]', 'blocked');
  await typePoint(page, 22.7834, 114.4414);
  await page.fill('textarea[name=description]', 'drain blocked');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Report a problem');
  assert.equal(await page.isChecked('.cat-tile:has-text("Sewage and drainage") input'), true, 'the category is kept');
  assert.equal(await page.inputValue('select[name=attr_problem]'), 'blocked');
  assert.equal(await page.inputValue('textarea[name=description]'), 'drain blocked');
  assert.match(await page.textContent('.field:has(select[name=attr_problem]) label'), /What is wrong/);
  await page.waitForFunction(() => /public sewer/.test(document.querySelector('aside.preview').textContent));
  assert.match(await previewText(page), /Where it will go.*Why.*outside any compound's red line/s);
  assert.match(await page.textContent('.place-note'), /outside every compound/);
  await page.click('form.report button[type=submit]');
  await page.waitForSelector('.progress-card');
  assert.match(await page.textContent('.new-banner'), /Your report has been received/);
  assert.match(await page.textContent('.progress-card'), /Where it stands.*submitted.*public sewer/s);
  assert.match(await page.textContent('ol.timeline'), /reported/);
  await page.click('#nav a[href="#/cases"]');
  await page.waitForSelector('.case-item');
  assert.equal(await page.textContent('h1'), 'Cases in the street');
  assert.match(await page.textContent('select[name=community]'), /All communities/);
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === '身边事');
  assertClean(page);
  await page.context().close();
});

test('the map: a click places the pin, "use my location" finds the compound the resident stands in', async () => {
  const page = await newPage();
  await page.context().grantPermissions(['geolocation'], { origin: BASE });
  await page.context().setGeolocation({ latitude: 22.7845, longitude: 114.4415 });
  await open(page, '/report');
  await page.waitForSelector('.report-map .leaflet-interactive');
  const box = await page.locator('.report-map').boundingBox();
  await page.locator('.report-map').click({ position: { x: box.width / 2, y: box.height / 2 } });
  await page.waitForSelector('.report-map .leaflet-marker-icon');
  assert.notEqual(await page.inputValue('input[name=lat]'), '');
  await page.waitForFunction(() => /·/.test(document.querySelector('.place-note').textContent));
  await page.click('button:has-text("使用我的位置")');
  await page.waitForFunction(() => /御珑名苑红线内/.test(document.querySelector('.place-note').textContent));
  assert.equal(await page.inputValue('input[name=lat]'), '22.7845');
  assert.equal(await page.inputValue('input[name=compound]'), '御珑名苑', 'the compound the pin is in is filled in');
  await page.click('button:has-text("清除标记")');
  assert.equal(await page.$('.report-map .leaflet-marker-icon'), null);
  assert.equal(await page.inputValue('input[name=compound]'), '', 'a compound filled in from the pin goes with it');
  assertClean(page);
  await page.context().close();
});

test('the report page weighs under 300 KB on load (map tiles aside) and needs no other host', async (t) => {
  const page = await newPage({ viewport: PHONE });
  const pending = [];
  page.on('response', (r) => {
    pending.push(r.body().then((b) => ({ url: r.url(), bytes: b.length }), () => ({ url: r.url(), bytes: 0 }))); // a redirect has no body
  });
  await open(page, '/report');
  await page.waitForSelector('.cat-tile');
  await page.waitForSelector('.report-map .leaflet-interactive');
  await page.waitForLoadState('networkidle');
  const sizes = await Promise.all(pending);
  const tile = (u) => /\/tiles?\//.test(new URL(u).pathname); // a deployment's tile service, if it has one
  const counted = sizes.filter((s) => !tile(s.url));
  const total = counted.reduce((n, s) => n + s.bytes, 0);
  const top = [...counted].sort((a, b) => b.bytes - a.bytes).slice(0, 6)
    .map((s) => `${new URL(s.url).pathname}${new URL(s.url).search} ${(s.bytes / 1024).toFixed(1)} KB`);
  const line = `report page on load: ${(total / 1024).toFixed(1)} KB in ${counted.length} responses (largest: ${top.join(', ')})`;
  t.diagnostic(line);
  console.log(line);
  assert.ok(total < 300 * 1024, line);
  const foreign = sizes.filter((s) => !s.url.startsWith(BASE) && !s.url.startsWith('data:'));
  assert.deepEqual(foreign, [], 'every request goes to the server itself');
  assertClean(page);
  await page.context().close();
});
