// main: starts the web app — the navigation for who is signed in, the
// language switch, and the table of pages (each a module under pages/,
// loaded when first visited).
import { go, h, isStaff, lang, render, route, setLang, signOut, t, whoami } from './core.js';

route(/^\/$/, () => import('./pages/home.js'));
route(/^\/login$/, () => import('./pages/login.js'));
route(/^\/report$/, () => import('./pages/report.js'));
route(/^\/track\/(\d+)$/, () => import('./pages/track.js'));
route(/^\/cases$/, () => import('./pages/public-cases.js'));
route(/^\/work$/, () => import('./pages/workbench.js'));
route(/^\/case\/(\d+)$/, () => import('./pages/case.js'));
route(/^\/network(?:\/([A-Za-z0-9-]+))?$/, () => import('./pages/network.js'));
route(/^\/lists(?:\/([A-Za-z0-9-]+))?$/, () => import('./pages/lists.js'));
route(/^\/dashboard$/, () => import('./pages/dashboard.js'));
route(/^\/admin(?:\/([a-z-]+))?$/, () => import('./pages/admin.js'));

const view = document.getElementById('view');

/** The header for the current principal and language. */
async function header() {
  let me = null;
  try {
    me = await whoami();
  } catch {
    /* the page itself reports the server being unreachable */
  }
  document.getElementById('brand').textContent = t('brand');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('nav').setAttribute('aria-label', t('nav'));
  const links = [['/', 'nav_home'], ['/report', 'nav_report'], ['/cases', 'nav_cases']];
  if (isStaff(me)) links.push(['/work', 'nav_work']);
  links.push(['/network', 'nav_network'], ['/lists', 'nav_lists'], ['/dashboard', 'nav_dashboard']);
  if (me && me.role === 'street_admin') links.push(['/admin', 'nav_admin']);
  const here = window.location.hash.slice(1).split('?')[0] || '/';
  document.getElementById('nav').replaceChildren(
    ...links.map(([path, key]) => {
      const current = path === '/' ? here === '/' : here === path || here.startsWith(`${path}/`);
      return h('a', { href: `#${path}`, 'aria-current': current ? 'page' : false }, t(key));
    }),
  );
  const who = document.getElementById('who');
  if (me) {
    who.replaceChildren(
      h('span', { class: 'login' }, me.login),
      h('button', {
        type: 'button', class: 'link', onclick: async () => {
          await signOut();
          await header();
          go('/');
        },
      }, t('sign_out')),
    );
  } else {
    who.replaceChildren(h('a', { href: '#/login' }, t('sign_in')));
  }
  document.getElementById('lang').textContent = t('other_lang');
}

async function show() {
  await header();
  await render(view);
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang === 'en' ? 'zh' : 'en');
  show();
});
window.addEventListener('hashchange', () => {
  show();
  view.focus({ preventScroll: true });
});
window.addEventListener('tongxin:session', () => header());
setLang(lang);
show();
