// The big party committee network and the three lists in a browser:
//  - the street overview shows the article's figures (20 communities, 86
//    part-time members, 112 compound party branches) and sorts its table;
//  - a community's page lists its member units by type, its part-time
//    members (no phone numbers), its branches, clubs and venues; in English too;
//  - the lists: the street's figures and a community's board (plan, needs,
//    resources, projects with progress bars and milestones);
//  - a flow through the UI: community staff (xinghe) raise a need (a wrong
//    quantity is refused next to its field), a member unit (huashi) opens the
//    need's match suggestions, claims it with its own resource, and the
//    board and its claims show it; the staff confirm the claim and the need
//    becomes a project.
// Screenshots: network, network-community, network-baiyun, lists,
// lists-board, lists-matches, lists-claimed (phone and desktop widths).
// The test makes its own need (a unique title), so it does not depend on
// other test files or on the order it runs in.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertClean, closeBrowser, DEMO_PASSWORD, DESKTOP, newPage, open, PHONE, shot } from './lib.mjs';

after(closeBrowser);

const PHONE_NUMBER = /1[3-9]\d{9}/;

/** Signs in through the login page and lands on `next` (not the workbench, which is another page's). */
async function signInTo(page, login, next) {
  await open(page, `/login?next=${next}`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => u.hash.startsWith(`#${next}`)), page.click('form button[type=submit]')]);
  await page.waitForFunction(() => !document.querySelector('#view > .status'));
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()));

for (const viewport of [PHONE, DESKTOP]) {
  test(`the network overview at ${viewport.width} px: 20 / 86 / 112, a sortable table of the communities`, async () => {
    const page = await newPage({ viewport });
    await open(page, '/network');
    await page.waitForSelector('.net-figures dt');
    const figures = await texts(page, '.net-figures dt');
    assert.deepEqual(figures.slice(0, 3), ['20', '86', '112']);
    assert.match(await page.textContent('.net-figures'), /个社区[\s\S]*名兼职委员[\s\S]*个小区党支部/);
    assert.match(await page.textContent('h1'), /淡水街道“大党委”网络/);
    const rows = await page.$$eval('.net-table tbody tr', (trs) => trs.map((tr) => tr.dataset.code));
    assert.ok(rows.length >= 20, `a row per community (${rows.length})`);
    for (const code of ['DS-XH', 'DS-BY', 'DS-BH']) assert.ok(rows.includes(code), `${code} is in the table`);
    // the table's totals are the street's figures
    assert.equal((await page.textContent('.net-table tfoot td[data-col="part_time_members"]')).trim(), '86');
    assert.equal((await page.textContent('.net-table tfoot td[data-col="compound_party_branches"]')).trim(), '112');
    // sorted by compound party branches, 白云 (20 of them, as the article says) comes first
    if (viewport === PHONE) await page.selectOption('#net-sort', 'compound_party_branches:desc');
    else await page.click('.net-table th[data-col="compound_party_branches"] button');
    await page.waitForSelector('.net-table tbody tr:first-child[data-code="DS-BY"]');
    assert.equal((await page.textContent('.net-table tbody tr:first-child td[data-col="compound_party_branches"]')).trim(), '20');
    if (viewport === DESKTOP) {
      assert.equal(await page.getAttribute('.net-table th[data-col="compound_party_branches"]', 'aria-sort'), 'descending');
      await page.click('.net-table th[data-col="compound_party_branches"] button');
      assert.equal(await page.getAttribute('.net-table th[data-col="compound_party_branches"]', 'aria-sort'), 'ascending');
      await page.click('.net-table th[data-col="compound_party_branches"] button');
      await page.waitForSelector('.leaflet-container');
    }
    await shot(page, 'network');
    await Promise.all([page.waitForURL((u) => u.hash === '#/network/DS-BY'), page.click('.net-table tbody tr[data-code="DS-BY"] th a[href="#/network/DS-BY"]')]);
    await page.waitForSelector('.unit-type');
    // 白云: 20 compound branches, its party general branch
    assert.match(await page.textContent('h1'), /白云社区/);
    assert.match(await page.textContent('.net-figures'), /20\s*个小区党支部/);
    assert.match(await page.textContent('.party'), /白云社区党总支部/);
    assert.equal(await page.locator('.model section').first().locator('li').count(), 20);
    assert.doesNotMatch(await page.textContent('#view'), PHONE_NUMBER);
    await shot(page, 'network-baiyun');
    assertClean(page);
    await page.context().close();
  });

  test(`a community's big committee at ${viewport.width} px: member units by type, part-time members, branches, clubs, venues`, async () => {
    const page = await newPage({ viewport });
    await open(page, '/network/DS-XH');
    await page.waitForSelector('.unit-type');
    assert.match(await page.textContent('h1'), /星河社区“大党委”/);
    const types = await page.$$eval('.unit-type', (els) => Object.fromEntries(els.map((e) => [e.dataset.type,
      [e.querySelector('h3').textContent, [...e.querySelectorAll('.unit h4')].map((x) => x.textContent)]])));
    assert.match(types.public_institution[0], /事业单位/);
    assert.ok(types.public_institution[1].includes('华南师范大学附属惠阳学校'));
    assert.match(types.enterprise[0], /企业/);
    assert.ok(types.enterprise[1].includes('惠州农商行惠阳支行'));
    assert.ok(types.enterprise[1].includes('星河智善惠州分公司'));
    // each unit names its part-time member and what it offers on the resources list
    const school = page.locator('.unit[data-code="DS-XH-MU01"]');
    assert.match(await school.textContent(), /兼职委员：\S+/);
    assert.match(await school.textContent(), /学校多功能厅/);
    // part-time members (names are public as office holders), never a phone number
    assert.ok(await page.locator('.ptm li').count() >= 1);
    assert.match(await page.textContent('.ptm'), /华南师范大学附属惠阳学校/);
    assert.doesNotMatch(await page.textContent('#view'), PHONE_NUMBER);
    // 支部 + 社团 + 阵地
    const model = await page.textContent('.card:has(#net-model-h)');
    assert.match(model, /星河丹堤小区党支部/);
    assert.match(model, /活力星河/);
    assert.match(model, /星河社区党群服务驿站/);
    assert.match(await page.textContent('.liaison'), /星河丹堤业主委员会/);
    await page.waitForSelector('.community-map.leaflet-container');
    await shot(page, 'network-community');

    // the same page in English
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForSelector('.unit-type');
    assert.match(await page.textContent('h1'), /Xinghe Community: the big party committee/);
    assert.match(await page.textContent('.unit-type[data-type="public_institution"] h3'), /Public institutions/);
    assert.match(await page.textContent('.ptm h2'), /Part-time committee members/);
    await shot(page, 'network-community-en');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.waitForSelector('.unit-type');

    // an unknown code says so
    await open(page, '/network/DS-NOPE');
    assert.match(await page.textContent('#view'), /没有编码为 DS-NOPE 的社区/);
    assertClean(page);
    await page.context().close();
  });

  test(`the three lists at ${viewport.width} px: the street's figures, a community's board with progress bars`, async () => {
    const page = await newPage({ viewport });
    await open(page, '/lists');
    await page.waitForSelector('.list-figures');
    for (const sel of ['.list-figures.needs', '.list-figures.resources', '.list-figures.projects']) {
      const n = await texts(page, `${sel} dt`);
      assert.ok(n.length >= 2 && n.every((x) => /^\d[\d,]*$/.test(x)), `${sel}: ${n}`);
    }
    assert.match(await page.textContent('.card:has(#lists-plans-h)'), /星河社区“一社区一方案”/);
    assert.ok(await page.locator('.plans [role=progressbar]').count() >= 3);
    await shot(page, 'lists');
    await page.selectOption('#lists-pick-lists_pick_label', 'DS-XH');
    await Promise.all([page.waitForURL((u) => u.hash === '#/lists/DS-XH'), page.click('.picker button[type=submit]')]);
    await page.waitForSelector('.needs-list');
    assert.match(await page.textContent('h1'), /星河社区/);
    // the plan and its goals, with progress
    assert.match(await page.textContent('.plan'), /星河社区“一社区一方案”（2026）/);
    // its goals: open on a desktop, a tap away on a phone
    if (viewport === PHONE) {
      assert.equal(await page.locator('.plan details').getAttribute('open'), null);
      await page.click('.plan summary');
    }
    await page.locator('.plan .goals').waitFor({ state: 'visible' });
    assert.ok(await page.locator('.plan .goals [role=progressbar]').count() >= 3);
    assert.match(await page.textContent('.plan .goals'), /社团活跃在小区/);
    // needs, resources, projects
    assert.match(await page.textContent('.needs-list'), /青少年暑期托管活动场地/);
    assert.match(await page.textContent('.resources'), /学校多功能厅（周末与假期）/);
    assert.match(await page.textContent('.resources'), /华南师范大学附属惠阳学校/);
    const plogging = page.locator('.project', { hasText: '亚公顶森林公园捡跑公益活动' });
    assert.equal(await plogging.locator('> .bar [role=progressbar]').getAttribute('aria-valuenow'), '100');
    assert.match(await plogging.textContent(), /活动当天/);
    // the filter: only the met needs
    await page.click('.filter button[data-status="met"]');
    const statuses = await page.$$eval('.needs-list li.need', (els) => els.map((e) => e.className));
    assert.ok(statuses.length > 0 && statuses.every((c) => c.includes('status-met')));
    await page.click('.filter button[data-status="all"]');
    assert.doesNotMatch(await page.textContent('#view'), PHONE_NUMBER);
    await shot(page, 'lists-board');

    // 滨河: the demonstration site and the sub-projects that roll up into it
    await open(page, '/lists/DS-BH');
    await page.waitForSelector('.demo-sites');
    assert.match(await page.textContent('.demo-sites'), /半岛1号/);
    const site = page.locator('.project', { hasText: '半岛1号小区党支部示范点打造' });
    assert.equal(await site.locator('.children li').count(), 3);
    assertClean(page);
    await page.context().close();
  });
}

test('staff raise a need, a member unit claims it from its matches, the staff confirm it', async () => {
  const title = `浏览器测试：周末课业辅导志愿者 ${Date.now()}`;
  const wanted = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);

  // 星河's staff raise the need; a negative quantity is refused next to its field
  const staff = await newPage({ viewport: DESKTOP });
  await signInTo(staff, 'xinghe', '/lists/DS-XH');
  await staff.waitForSelector('.needs-list');
  await staff.click('.needs .section-head button');
  await staff.fill('.raise-form input[name=title]', title);
  await staff.selectOption('.raise-form select[name=kind]', 'volunteers');
  await staff.fill('.raise-form input[name=quantity]', '-2');
  await staff.fill('.raise-form input[name=quantity_unit]', '人');
  await staff.fill('.raise-form input[name=wanted_by]', wanted);
  await staff.click('.raise-form button[type=submit]');
  await staff.waitForSelector('.raise-form .field-error');
  assert.equal(await staff.getAttribute('.raise-form input[name=quantity]', 'aria-invalid'), 'true');
  assert.match(await staff.textContent('.raise-form .field[data-field="quantity"]'), /quantity|数量/);
  await staff.fill('.raise-form input[name=quantity]', '2');
  await staff.click('.raise-form button[type=submit]');
  const staffNeed = staff.locator('li.need', { hasText: title });
  await staffNeed.waitFor();
  assert.match(await staffNeed.textContent(), /待认领/);
  assert.match(await staffNeed.textContent(), /剩余/); // the deadline counts down
  // the staff see the suggestions too (no claim button: they are not a unit)
  await staffNeed.locator('button[aria-controls]').click();
  await staffNeed.locator('.match').first().waitFor();
  assert.equal(await staffNeed.locator('.match button').count(), 0);
  await shot(staff, 'lists-matches');

  // the member unit (华南师范大学附属惠阳学校) claims it with its own resource
  const unit = await newPage({ viewport: PHONE });
  await signInTo(unit, 'huashi', '/lists/DS-XH');
  const need = unit.locator('li.need', { hasText: title });
  await need.waitFor();
  await need.locator('button[aria-controls]').click();
  assert.equal(await need.locator('button[aria-controls]').getAttribute('aria-expanded'), 'true');
  const mine = need.locator('.match.mine', { hasText: '教师志愿者' });
  await mine.waitFor();
  const reasons = await mine.locator('.reason').allTextContents();
  assert.ok(reasons.some((r) => /同类资源/.test(r)), `the reasons say why: ${reasons}`);
  assert.ok(reasons.some((r) => /数量足够/.test(r)), `the reasons say why: ${reasons}`);
  assert.ok(await need.locator('.match').count() >= 2, 'other units\' resources are suggested too');
  await mine.scrollIntoViewIfNeeded();
  await shot(unit, 'lists-matches');
  await mine.locator('button').click();
  const form = need.locator('form.claim-form');
  await form.waitFor();
  assert.equal(await form.locator('input[name=quantity]').inputValue(), '2');
  assert.match(await form.locator('select[name=resource_id] option:checked').textContent(), /教师志愿者/);
  await form.locator('textarea[name=note]').fill('周六上午可安排两名教师');
  await form.locator('button[type=submit]').click();
  await unit.waitForSelector('#toast:not([hidden])');
  const claimed = unit.locator('li.need', { hasText: title });
  await claimed.locator('.need-claims').waitFor();
  assert.match(await claimed.textContent(), /已认领/);
  assert.match(await claimed.locator('.need-claims').textContent(), /华南师范大学附属惠阳学校 认领 · 2 人\s*待社区确认/);
  assert.equal(await claimed.locator('button.primary', { hasText: '认领' }).count(), 0, 'no second claim while one waits');
  const claimRow = unit.locator('.claim-list > li', { hasText: title });
  assert.match(await claimRow.textContent(), /待社区确认/);
  assert.match(await claimRow.textContent(), /周六上午可安排两名教师/);
  assert.equal(await claimRow.locator('button', { hasText: '撤回认领' }).count(), 1);
  await shot(unit, 'lists-claimed');
  // the unit's own claims on the lists' front page
  await open(unit, '/lists');
  await unit.waitForSelector('.mine');
  assert.match(await unit.textContent('.mine'), new RegExp(title));

  // the community confirms: the need joins a new project
  await staff.reload();
  await staff.waitForSelector('.claim-list');
  const pending = staff.locator('.claim-list > li', { hasText: title });
  await pending.locator('button', { hasText: '确认并立项' }).click();
  await staff.waitForSelector('#toast:not([hidden])');
  await staff.locator('.claim-list > li', { hasText: title }).filter({ hasText: '已确认' }).waitFor();
  assert.match(await staff.locator('li.need', { hasText: title }).textContent(), /实施中/);
  assert.equal(await staff.locator('.project', { hasText: title }).count(), 1, 'a project named after the need');
  await shot(staff, 'lists-claimed');

  assertClean(staff, [/status of 400/, /HTTP 400/]);
  assertClean(unit);
  await staff.context().close();
  await unit.context().close();
});
