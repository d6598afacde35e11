// One report's whole life through the web app, every step in a browser as
// the person would take it: a resident reports sewage outside 御珑名苑's red
// line on a phone and sees where it goes and why; 白云's staff accept it and
// dispatch it as routed (a referral to the municipal works centre); the
// department starts and reports back; the community resolves it; the
// resident rates it by the tracking link; 白云's figures on the dashboard
// move accordingly; 星河's staff see the public record only; the same pages
// read in English. (The pages' own tests go into each step in depth.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertClean, BASE, closeBrowser, DESKTOP, newPage, open, PHONE, shot, signIn } from './lib.mjs';

after(closeBrowser);

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

async function communityId(code) {
  const r = await fetch(`${BASE}/api/v1/areas?geometry=0&kind=community`);
  return (await r.json()).features.find((f) => f.properties.code === code).properties.id;
}

/** The dashboard of one community for today, once its figures are in (a reload when it is shown already). */
async function dashboard(page, area) {
  const d = today();
  if (page.url().includes('#/dashboard')) await page.reload();
  else await open(page, `/dashboard?area=${area}&from=${d}&to=${d}`);
  await page.waitForSelector('.db-kpis [data-kpi="received"] .kpi-value');
}

const kpi = async (page, key) => Number((await page.textContent(`.db-kpis [data-kpi="${key}"] .kpi-value`)).trim());
/** "n / d" under a rate tile. */
async function fraction(page, key) {
  const m = /(\d+) \/ (\d+)/.exec(await page.textContent(`.db-kpis [data-kpi="${key}"] .kpi-sub`));
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** Takes an action on the case page; fill() answers the action's form when it has one. */
async function act(page, action, fill) {
  await page.click(`.cv-buttons button[data-action=${action}]`);
  if (fill) {
    await page.waitForSelector(`.cv-form[data-action=${action}]`);
    await fill();
    await page.click(`.cv-form[data-action=${action}] button[type=submit]`);
  }
}
const stateIs = (page, state) => page.waitForSelector(`.cv-badges .st-${state}`);

test('a report outside a red line, from the resident\'s phone to the rating and the dashboard', async () => {
  const baiyunArea = await communityId('DS-BY');
  const board = await newPage({ viewport: DESKTOP });
  await dashboard(board, baiyunArea);
  const received = await kpi(board, 'received');
  const [satisfied, rated] = await fraction(board, 'satisfaction');

  // the resident, on a phone, without an account
  const resident = await newPage({ viewport: PHONE });
  await open(resident, '/report');
  await resident.fill('input[name=cat_q]', '下水道');
  await resident.click('.cat-tile:has-text("污水与排水")');
  await resident.selectOption('select[name=attr_problem]', 'overflow');
  if (!(await resident.isVisible('input[name=lat]'))) await resident.click('details.latlong summary');
  await resident.fill('input[name=lat]', '22.7834');
  await resident.fill('input[name=long]', '114.4414');
  await resident.press('input[name=long]', 'Enter');
  await resident.fill('input[name=compound]', '御珑');
  await resident.click('#rp-compounds [role=option]:has-text("御珑名苑")');
  await resident.waitForFunction(() => /在御珑名苑红线外/.test(document.querySelector('aside.preview').textContent));
  assert.match(await resident.textContent('aside.preview'), /惠阳区市政和代建事务中心/);
  await resident.fill('textarea[name=description]', '御珑名苑东门外人行道的污水井冒水，一整天了');
  await resident.fill('input[name=name]', '陈阿姨');
  await resident.fill('input[name=phone]', '13900009876');
  await resident.click('form.report button[type=submit]');
  await resident.waitForURL(/#\/track\/\d+\?token=/);
  await resident.waitForSelector('.progress-card');
  assert.match(await resident.textContent('.progress-card'), /在御珑名苑红线外.*惠阳区市政和代建事务中心/s);
  const trackUrl = new URL(resident.url()).hash.slice(1);
  const id = Number(/\/track\/(\d+)/.exec(trackUrl)[1]);
  await shot(resident, 'journey-reported');

  // 白云's staff: accept, dispatch as routed (a referral to the department)
  const baiyun = await newPage({ viewport: DESKTOP });
  await signIn(baiyun, 'baiyun');
  await open(baiyun, `/case/${id}`);
  await baiyun.waitForSelector('.cv-reason');
  assert.match(await baiyun.textContent('.cv-reporter'), /13900009876/);
  await act(baiyun, 'accept');
  await stateIs(baiyun, 'accepted');
  await act(baiyun, 'dispatch', async () => {});
  await stateIs(baiyun, 'dispatched');

  // the department: start, report back
  const dept = await newPage({ viewport: PHONE });
  await signIn(dept, 'shizheng');
  await open(dept, `/case/${id}`);
  await dept.waitForSelector('.cv-buttons');
  await act(dept, 'start');
  await stateIs(dept, 'in_progress');
  await act(dept, 'report_back', () => dept.fill('.cv-form textarea[name=text]', '已疏通并更换井盖'));
  await dept.waitForSelector('.cv-timeline li[data-action=report_back]');
  assertClean(dept);
  await dept.context().close();

  // the community that owns it resolves it (首接负责)
  await baiyun.reload();
  await baiyun.waitForSelector('.cv-buttons button[data-action=resolve]');
  await act(baiyun, 'resolve', () => baiyun.fill('.cv-form textarea[name=text]', '社区回访：井口已不再冒水'));
  await stateIs(baiyun, 'resolved');
  assertClean(baiyun);
  await baiyun.context().close();

  // the resident comes back to the tracking link (the same address: a reload) and rates it
  await resident.reload();
  await resident.waitForSelector('form.rate-form');
  await resident.check('input[name=solved][value=yes]');
  await resident.check('input[name=satisfaction][value=satisfied]');
  await resident.click('form.rate-form button[type=submit]');
  await resident.waitForSelector('section.rated');
  assert.match(await resident.textContent('.progress-card'), /已结案/);
  await shot(resident, 'journey-rated');
  assertClean(resident);
  await resident.context().close();

  // 白云's figures for today: one more received, one more rated and satisfied
  await dashboard(board, baiyunArea);
  assert.equal(await kpi(board, 'received'), received + 1);
  assert.deepEqual(await fraction(board, 'satisfaction'), [satisfied + 1, rated + 1]);
  await shot(board, 'journey-dashboard');
  // and in English
  await board.click('#lang');
  await board.waitForFunction(() => document.documentElement.lang === 'en');
  await board.waitForSelector('.db-kpis [data-kpi="received"] .kpi-value');
  assert.match(await board.textContent('.db-kpis'), /Satisf/);
  assert.equal(await kpi(board, 'received'), received + 1);
  assertClean(board);
  await board.context().close();

  // 星河's staff: the public record, no reporter, no actions
  const xinghe = await newPage({ viewport: PHONE });
  await signIn(xinghe, 'xinghe');
  await open(xinghe, `/case/${id}`);
  await xinghe.waitForSelector('.cv-timeline');
  const text = await xinghe.textContent('#view');
  assert.doesNotMatch(text, /13900009876|陈阿姨/);
  assert.equal(await xinghe.$('.cv-buttons'), null);
  assertClean(xinghe);
  await xinghe.context().close();
});
