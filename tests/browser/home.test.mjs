// The front door in a browser: the street's three figures from the source
// article (20 communities, 86 part-time members, 112 compound branches),
// the switch to English and back, signing in and out, at phone and desktop
// widths (screenshots home-*.png, login-*.png).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertClean, closeBrowser, DESKTOP, newPage, open, PHONE, shot, signIn } from './lib.mjs';

after(closeBrowser);

for (const viewport of [PHONE, DESKTOP]) {
  test(`home at ${viewport.width} px shows the network's figures in Chinese, then English`, async () => {
    const page = await newPage({ viewport });
    await open(page, '/');
    await page.waitForSelector('.figures dt');
    const figures = await page.$$eval('.figures dt', (els) => els.map((e) => e.textContent));
    assert.deepEqual(figures.slice(0, 3), ['20', '86', '112']);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.textContent('h1'), /同心/);
    await shot(page, 'home');
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForSelector('.figures dt');
    assert.match(await page.textContent('.figures'), /communities/);
    assert.match(await page.textContent('#nav'), /Report/);
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    assertClean(page);
    await page.context().close();
  });
}

test('a wrong password names the field; the right one signs in and out', async () => {
  const page = await newPage();
  await open(page, '/login');
  await page.fill('input[name=login]', 'xinghe');
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('form button[type=submit]');
  await page.waitForSelector('.field-error');
  assert.equal(await page.getAttribute('input[name=password]', 'aria-invalid'), 'true');
  await shot(page, 'login');
  await signIn(page, 'xinghe');
  assert.match(await page.textContent('#who'), /xinghe/);
  await page.click('#who button');
  await page.waitForSelector('#who a[href="#/login"]');
  assertClean(page, [/401/, /status of 401/]);
  await page.context().close();
});
