// Helpers for the browser tests (tests/browser/*.test.mjs): Debian's
// chromium driven by playwright-core (never a downloaded browser) against
// the live server that scripts/run-browser starts (TONGXIN_URL, fixtures and
// the demo street as for the API tests: see tests/api/lib.mjs). The demo
// accounts (src/demo/danshui.c) sign in with the demo password.
//
// Screenshots of each page at phone (360 px) and desktop (1280 px) widths go
// to TONGXIN_SHOTS (build/screenshots by default) as NAME-phone.png and
// NAME-desktop.png: look at them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.TONGXIN_URL;
if (!BASE) throw new Error('TONGXIN_URL is not set: run the browser tests through scripts/run-browser BUILD_DIR');
export const DEMO_PASSWORD = 'tongxin-demo-2026';
const SHOTS = process.env.TONGXIN_SHOTS || 'build/screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The flags that work on a closed network as root (the machine notes):
// without the background-networking ones Chromium keeps trying to reach
// Google's hosts.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

let browser;
/** The shared browser, started on first use. */
export async function launch() {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return browser;
}

export async function closeBrowser() {
  if (browser) await browser.close();
  browser = undefined;
}

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

/**
 * A fresh page (its own cookies) at a viewport, with every console error,
 * page error and failed request collected in page.problems: a test ends
 * with assertClean(page). lang 'zh' (default) or 'en' is set before load.
 */
export async function newPage({ viewport = DESKTOP, lang = 'zh' } = {}) {
  const b = await launch();
  const context = await b.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await context.addInitScript((l) => localStorage.setItem('lang', l), lang);
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 500) page.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.setDefaultTimeout(20000);
  return page;
}

/** Opens a hash route ('/report', '/case/5') and waits until the page has rendered it. */
export async function open(page, path) {
  await page.goto(`${BASE}/#${path}`);
  await page.waitForFunction(() => !document.querySelector('#view > .status'));
}

/** Signs in through the login page as a demo (or fixture) account. */
export async function signIn(page, login, password = DEMO_PASSWORD) {
  await open(page, '/login');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL((u) => !u.hash.startsWith('#/login')), page.click('form button[type=submit]')]);
  await page.waitForFunction(() => !document.querySelector('#view > .status'));
}

/** Saves a screenshot of the page as SHOTS/NAME-WIDTH.png (full page). */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const w = page.viewportSize().width <= 480 ? 'phone' : 'desktop';
  await page.screenshot({ path: join(SHOTS, `${name}-${w}.png`), fullPage: true });
}

/** Fails when the page logged errors, threw, or saw failed requests or 5xx answers. */
export function assertClean(page, allow = []) {
  const left = page.problems.filter((p) => !allow.some((re) => re.test(p)));
  if (left.length) throw new Error(`the page had problems:\n${left.join('\n')}`);
}
