// The street admin's pages in a browser (web/js/pages/admin.js), as the
// demo street admin `admin`: an areas import with a deliberate error shows
// the feature and property the server names, then a valid file imports; a
// category's deadline is edited and stays saved; a routing rule is refused,
// then added and deleted, and the routing preview answers for 御珑名苑's
// sewage; a calendar day is added and removed; an account is made (its
// generated password shown once) and disabled; an API key is made (shown
// once, with a copy button), works, and is refused once revoked. A
// community staff member (xinghe) sees no admin. English. Screenshots of
// every section at phone and desktop widths (admin-SECTION-*.png).
//
// Everything the test makes is its own: compounds without boundaries (so
// `locate` and routing elsewhere do not change), a retired category (so the
// report page never offers it), a day in 2035, unique logins and key names.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertClean, BASE, closeBrowser, DESKTOP, newPage, open, PHONE, shot, signIn } from './lib.mjs';

after(closeBrowser);

const uniq = (p) => `${p}-${Date.now().toString(36)}${process.pid.toString(36)}`.toLowerCase();
/** The refusals this file provokes on purpose (Chromium logs each 4xx answer as a console error). */
const PROVOKED = [/status of 40[0-9]/, /Failed to load resource/];

/** Signs in as the demo street admin and opens an admin section. */
async function adminAt(page, section) {
  await signIn(page, 'admin');
  await open(page, `/admin/${section}`);
  await page.waitForSelector(`#adm-${section.split('?')[0]} .card`);
}

/** Calls the API from the page as the signed-in user (for setup only), with the CSRF token. */
function apiFromPage(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const r = await fetch(p, { method: m, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token }, body: b && JSON.stringify(b) });
    return { status: r.status, json: r.status === 204 ? null : await r.json() };
  }, [method, path, body]);
}

test('a community staff member sees no admin, and the admin page says why', async () => {
  const page = await newPage({ viewport: PHONE });
  await signIn(page, 'xinghe');
  assert.doesNotMatch(await page.textContent('#nav'), /管理/);
  await open(page, '/admin/users');
  await page.waitForSelector('.adm-gate');
  assert.match(await page.textContent('.adm-gate'), /只供街道管理员使用/);
  assert.match(await page.textContent('.adm-gate'), /社区“两委”干部/);
  assert.equal(await page.$('#adm-users'), null);
  await shot(page, 'admin-forbidden');
  assertClean(page);
  await page.context().close();
});

test('anonymous visitors are asked to sign in', async () => {
  const page = await newPage();
  await open(page, '/admin/keys');
  await page.waitForSelector('.adm-gate a[href="#/login?next=%2Fadmin%2Fkeys"]');
  assertClean(page);
  await page.context().close();
});

test('areas: an import with an error names the feature and the property; a valid file is imported', async () => {
  const page = await newPage({ viewport: PHONE });
  await adminAt(page, 'areas');
  assert.match(await page.textContent('#nav a[aria-current="page"]'), /管理/);
  const a = uniq('DS-YF-G04-T').toUpperCase();
  const compound = (code, name, parent) => ({ type: 'Feature', properties: { kind: 'compound', code, name, parent_code: parent }, geometry: null });
  // the second compound hangs under a community, not a grid
  const bad = { type: 'FeatureCollection', features: [compound(`${a}1`, '测试小区甲', 'DS-YF-G04'), compound(`${a}2`, '测试小区乙', 'DS-YF')] };
  await page.fill('textarea[name=geojson]', JSON.stringify(bad, null, 1));
  await page.click('#adm-areas form button[type=submit]');
  const err = await page.waitForSelector('.adm-import-error');
  const said = await err.textContent();
  assert.match(said, /features\[1\]/);
  assert.match(said, /第 2 个/);
  assert.match(said, new RegExp(`${a}2`));
  assert.match(said, /测试小区乙/);
  assert.match(said, /parent_code/);
  assert.match(said, /小区的上级必须是网格/);
  assert.equal(await page.getAttribute('textarea[name=geojson]', 'aria-invalid'), 'true');
  await shot(page, 'admin-areas-error');

  // nothing of it was stored (all or nothing); now a correct file, chosen as a file
  const good = { type: 'FeatureCollection', features: [compound(`${a}1`, '测试小区甲', 'DS-YF-G04'), compound(`${a}2`, '测试小区乙', 'DS-YF-G04')] };
  await page.setInputFiles('input[name=file]', { name: 'compounds.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(good)) });
  await page.waitForFunction((code) => document.querySelector('textarea[name=geojson]').value.includes(`${code}2`) &&
    !document.querySelector('textarea[name=geojson]').value.includes('"DS-YF"'), a);
  assert.match(await page.textContent('#adm-areas form'), /2 个要素：小区 2/);
  await page.click('#adm-areas form button[type=submit]');
  await page.waitForSelector('.adm-ok');
  assert.match(await page.textContent('.adm-ok'), /已导入 2 个区域/);
  assert.equal(await page.$('.adm-import-error'), null);
  // the stored compounds, by kind and filter
  await page.click('.adm-chip[data-kind=compound]');
  await page.fill('.adm-areas input[name=q]', a);
  await page.waitForFunction((code) => document.querySelectorAll('.adm-areas-t tbody tr').length === 2 &&
    document.querySelector('.adm-areas-t tbody').textContent.includes(`${code}1`), a);
  assert.match(await page.textContent('.adm-areas-t tbody'), /测试小区乙/);
  await shot(page, 'admin-areas-imported');
  assertClean(page, PROVOKED);
  await page.context().close();
});

test("categories: a new (retired) category's resolve deadline is edited and stays saved; a bad deadline is named", async () => {
  const page = await newPage({ viewport: DESKTOP });
  await adminAt(page, 'categories');
  const code = uniq('t_cat').replace(/-/g, '_');
  await page.click('text=新建类别');
  const form = '#adm-cat-editor form';
  await page.waitForSelector(form);
  await page.fill(`${form} input[name=code]`, code);
  await page.fill(`${form} input[name=name]`, '浏览器测试类别');
  await page.fill(`${form} input[name=name_en]`, 'Browser test category');
  await page.fill(`${form} input[name=group]`, '测试');
  await page.fill(`${form} input[name=group_en]`, 'Tests');
  await page.fill(`${form} input[name="deadlines.resolve.n"]`, '5');
  await page.selectOption(`${form} select[name="deadlines.resolve.kind"]`, 'working_days');
  await page.uncheck(`${form} input[name=active]`); // retired: the report page never offers it
  await page.click(`${form} button[type=submit]`);
  const row = `tr[data-code="${code}"]`;
  await page.waitForSelector(row);
  assert.match(await page.textContent(row), /5 个工作日/);
  assert.match(await page.textContent(row), /已停用/);

  await page.click(`${row} button`);
  await page.waitForSelector(form);
  assert.equal(await page.inputValue(`${form} input[name="deadlines.resolve.n"]`), '5');
  // a deadline of 0 is refused, and the message sits at that deadline
  await page.fill(`${form} input[name="deadlines.accept.n"]`, '0');
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(`${form} .field-error`);
  assert.equal(await page.getAttribute(`${form} input[name="deadlines.accept.n"]`, 'aria-invalid'), 'true');
  assert.match(await page.textContent(`${form} .field-error`), /deadlines\.accept/);
  await shot(page, 'admin-categories-edit');
  await page.fill(`${form} input[name="deadlines.accept.n"]`, '3');
  await page.selectOption(`${form} select[name="deadlines.accept.kind"]`, 'working_hours');
  await page.fill(`${form} input[name="deadlines.resolve.n"]`, '9');
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction((sel) => !document.querySelector('#adm-cat-editor form') &&
    document.querySelector(sel)?.textContent.includes('9 个工作日'), row);
  assert.match(await page.textContent(row), /3 工作小时/);
  // still so after a reload: it was saved
  await page.reload();
  await page.waitForSelector(row);
  assert.match(await page.textContent(row), /9 个工作日/);
  assertClean(page, PROVOKED);
  await page.context().close();
});

test('routing rules: a wrong rule is refused at its field, a right one is added and deleted; the preview explains 御珑名苑', async () => {
  const page = await newPage({ viewport: DESKTOP });
  await signIn(page, 'admin');
  // a retired category of this test's own, so the rule routes nobody else's reports
  const code = uniq('t_rule').replace(/-/g, '_');
  const made = await apiFromPage(page, 'POST', '/api/v1/categories',
    { code, name: '规则测试类别', name_en: 'Rule test', group: '测试', group_en: 'Tests', active: false });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  await open(page, '/admin/rules');
  await page.waitForSelector('#adm-rules .adm-rules tbody tr');
  const form = '#adm-rules form:has(select[name=handler])';
  await page.waitForSelector(form);
  await page.selectOption(`${form} select[name=service_code]`, code);
  await page.selectOption(`${form} select[name=place]`, 'outside');
  await page.selectOption(`${form} select[name=handler]`, 'property_company');
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(`${form} .field-error`);
  assert.equal(await page.getAttribute(`${form} select[name=place]`, 'aria-invalid'), 'true');
  assert.match(await page.textContent(`${form} .field-error`), /红线外不是物业公司的职责/);

  await page.selectOption(`${form} select[name=handler]`, 'department');
  await page.selectOption(`${form} select[name=org]`, 'HY-SZDJ');
  await page.selectOption(`${form} select[name=tier]`, 'community');
  await page.fill(`${form} input[name=note]`, '浏览器测试规则');
  await page.click(`${form} button[type=submit]`);
  const hit = await page.waitForSelector('.adm-rules tr.adm-hit');
  const id = await hit.getAttribute('data-id');
  assert.match(await hit.textContent(), /规则测试类别/);
  assert.match(await hit.textContent(), /小区红线外/);
  assert.match(await hit.textContent(), /惠阳区市政和代建事务中心/);

  // the preview: sewage outside 御珑名苑's red line goes to the municipal works centre
  const pv = '#adm-preview form';
  await page.selectOption(`${pv} select[name=service_code]`, 'sewage');
  await page.fill(`${pv} input[name=lat]`, '22.7834');
  await page.fill(`${pv} input[name=long]`, '114.4414');
  await page.fill(`${pv} input[name=compound]`, 'DS-BY-G01-C01');
  await page.click(`${pv} button[type=submit]`);
  await page.waitForSelector('.adm-pv-result');
  const result = await page.textContent('.adm-pv-result');
  assert.match(result, /白云社区/);
  assert.match(result, /在小区红线外/);
  assert.match(result, /惠阳区市政和代建事务中心/);
  assert.match(result, /依据规则 #4/);
  await page.waitForSelector('#adm-preview .leaflet-container, #adm-preview .adm-map-failed');
  await shot(page, 'admin-rules-preview');

  // delete the rule again: two steps
  await page.click(`tr[data-id="${id}"] button:has-text("删除")`);
  await page.click(`tr[data-id="${id}"] button:has-text("确认删除")`);
  await page.waitForFunction((rid) => !document.querySelector(`tr[data-id="${rid}"]`), id);
  assertClean(page, PROVOKED);
  await page.context().close();
});

test('calendar: a holiday is added to 2035 and removed; a weekday 调休 workday is refused at the date', async () => {
  const page = await newPage({ viewport: PHONE });
  await adminAt(page, 'calendar?year=2035');
  const working = async () => Number((await page.textContent('#adm-calendar strong')).match(/\d+/)[0]);
  await page.waitForSelector('.adm-months');
  const before = await working();
  const form = '#adm-calendar form';
  await page.fill(`${form} input[name=date]`, '2035-06-13'); // a Wednesday
  await page.selectOption(`${form} select[name=kind]`, 'workday');
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(`${form} .field-error`);
  assert.equal(await page.getAttribute(`${form} input[name=date]`, 'aria-invalid'), 'true');
  assert.match(await page.textContent(`${form} .field-error`), /星期六或星期日/);

  await page.selectOption(`${form} select[name=kind]`, 'holiday');
  await page.fill(`${form} input[name=occasion]`, '浏览器测试假日');
  await page.click(`${form} button[type=submit]`);
  const row = 'tr[data-date="2035-06-13"]';
  await page.waitForSelector(row);
  assert.match(await page.textContent(row), /放假/);
  assert.match(await page.textContent(row), /浏览器测试假日/);
  assert.equal(await working(), before - 1);
  assert.ok(await page.$('.adm-d-holiday[title="浏览器测试假日"]'), 'the day is marked in June');
  await shot(page, 'admin-calendar-added');

  await page.click(`${row} button:has-text("删除")`);
  await page.click(`${row} button:has-text("确认删除")`);
  await page.waitForFunction((sel) => !document.querySelector(sel), row);
  assert.equal(await working(), before);
  assertClean(page, PROVOKED);
  await page.context().close();
});

test('accounts: a generated password is shown once and signs in; a scope beyond the street is refused; disabling works', async () => {
  const page = await newPage({ viewport: DESKTOP });
  await adminAt(page, 'users');
  const form = '#adm-users form:has(input[name=login])';
  const login = uniq('xh.staff');
  // the district's department is beyond 淡水街道: refused, at the scope
  await page.fill(`${form} input[name=login]`, login);
  await page.selectOption(`${form} select[name=role]`, 'department_staff');
  await page.fill(`${form} input[name=scope]`, 'HY-SZDJ');
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(`${form} .field-error`);
  assert.equal(await page.getAttribute(`${form} input[name=scope]`, 'aria-invalid'), 'true');
  assert.match(await page.textContent(`${form} .field-error`), /只能管理 DS 范围内/);

  await page.selectOption(`${form} select[name=role]`, 'community_staff');
  await page.fill(`${form} input[name=scope]`, 'DS-XH');
  await page.click(`${form} button[type=submit]`);
  const secret = await page.waitForSelector('#adm-users .adm-secret');
  assert.match(await secret.textContent(), new RegExp(`${login.replace(/\./g, '\\.')} 的密码`));
  assert.match(await secret.textContent(), /只显示这一次/);
  const password = await page.inputValue('#adm-users .adm-secret .adm-secret-value');
  assert.match(password, /^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
  assert.ok(await page.$('#adm-users .adm-secret button:has-text("复制")'));
  const row = `tr[data-login="${login}"]`;
  await page.waitForSelector(row);
  assert.match(await page.textContent(row), /星河社区/);
  await shot(page, 'admin-users-created');

  // the password works (another browser)
  const other = await newPage({ viewport: PHONE });
  await signIn(other, login, password);
  assert.match(await other.textContent('#who'), new RegExp(login.replace(/\./g, '\\.')));
  await other.context().close();

  // shown once: gone after a reload
  await page.reload();
  await page.waitForSelector(row);
  assert.ok(!(await page.textContent('body')).includes(password), 'the password is not shown again');
  await page.click(`${row} button:has-text("停用")`);
  await page.click(`${row} button:has-text("确认")`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('已停用'), row);
  assert.match(await page.textContent(row), /启用/);
  assertClean(page, PROVOKED);
  await page.context().close();
});

test('API keys: shown once with a copy button; the key works until it is revoked', async () => {
  const page = await newPage({ viewport: PHONE });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await adminAt(page, 'keys');
  const name = `浏览器测试 ${uniq('key')}`;
  const form = '#adm-keys form';
  await page.fill(`${form} input[name=name]`, name);
  await page.selectOption(`${form} select[name=role]`, 'api_client');
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector('#adm-keys .adm-secret');
  const key = await page.inputValue('#adm-keys .adm-secret .adm-secret-value');
  assert.match(key, /^tx_[A-Za-z0-9_-]{43}$/);
  await page.click('#adm-keys .adm-secret button:has-text("复制")');
  await page.waitForFunction(() => /复制/.test(document.getElementById('toast').textContent) && !document.getElementById('toast').hidden);
  await shot(page, 'admin-keys-created');

  const me = async () => fetch(`${BASE}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${key}` } });
  const ok = await me();
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).user.login, name);

  const row = await page.waitForSelector(`#adm-keys tr.adm-hit`);
  const id = await row.getAttribute('data-id');
  assert.match(await row.textContent(), new RegExp(key.slice(0, 10)));
  assert.ok(!(await row.textContent()).includes(key.slice(10)), 'only the prefix is listed');
  await page.click(`tr[data-id="${id}"] button:has-text("吊销")`);
  await page.click(`tr[data-id="${id}"] button:has-text("确认")`);
  await page.waitForFunction((rid) => document.querySelector(`tr[data-id="${rid}"]`)?.textContent.includes('已吊销'), id);
  assert.equal((await me()).status, 401);
  await page.reload();
  await page.waitForSelector(`tr[data-id="${id}"]`);
  assert.ok(!(await page.textContent('body')).includes(key), 'the key is not shown again');
  assertClean(page, PROVOKED);
  await page.context().close();
});

test('the admin pages switch to English', async () => {
  const page = await newPage({ viewport: PHONE });
  await adminAt(page, 'keys');
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en' && document.querySelector('#adm-keys h2')?.textContent.includes('API key'));
  assert.match(await page.textContent('.adm-tabs'), /Areas.*Categories.*Routing rules.*Calendar.*Accounts.*API keys/);
  assert.match(await page.textContent('#adm-keys'), /New API key/);
  assert.match(await page.textContent('#nav'), /Admin/);
  await open(page, '/admin/calendar?year=2026');
  await page.waitForSelector('#adm-calendar .adm-months');
  assert.match(await page.textContent('#adm-calendar'), /Working-day calendar 2026/);
  assert.match(await page.textContent('#adm-calendar'), /Spring Festival/);
  await shot(page, 'admin-calendar-en');
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  assertClean(page);
  await page.context().close();
});

for (const viewport of [PHONE, DESKTOP]) {
  test(`every admin section at ${viewport.width} px`, async () => {
    const page = await newPage({ viewport });
    await signIn(page, 'admin');
    for (const s of ['areas', 'categories', 'rules', 'calendar', 'users', 'keys']) {
      await open(page, `/admin/${s}`);
      await page.waitForSelector(`#adm-${s} .card`);
      await page.waitForFunction(() => !document.querySelector('.adm-body .status[role=status]'));
      if (s === 'rules') await page.waitForSelector('#adm-preview .leaflet-container, #adm-preview .adm-map-failed');
      assert.equal(await page.getAttribute(`.adm-tab[href="#/admin/${s}"]`, 'aria-current'), 'page');
      await shot(page, `admin-${s}`);
    }
    assertClean(page);
    await page.context().close();
  });
}
