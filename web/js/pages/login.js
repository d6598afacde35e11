// login: staff and residents with an account sign in (a session cookie and
// its CSRF token, see core.js). Goes back to where they came from (?next=).
import { addTexts, field, go, h, isStaff, showFieldError, signIn, t } from '../core.js';

addTexts({
  zh: { login_title: '登录', login_name: '账号', login_password: '密码', login_submit: '登录', login_busy: '正在登录…',
        login_hint: '居民反映问题无需登录。' },
  en: { login_title: 'Sign in', login_name: 'Login', login_password: 'Password', login_submit: 'Sign in',
        login_busy: 'Signing in…', login_hint: 'Residents can report without an account.' },
});

export const title = 'login_title';

export function render(root, { query }) {
  const name = h('input', { name: 'login', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit' }, t('login_submit'));
  const form = h('form', { class: 'card narrow', novalidate: true },
    h('h1', {}, t('login_title')),
    field(t('login_name'), name),
    field(t('login_password'), pass),
    button,
    h('p', { class: 'hint' }, t('login_hint'), ' ', h('a', { href: '#/report' }, t('nav_report'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    button.textContent = t('login_busy');
    try {
      const me = await signIn(name.value.trim(), pass.value);
      window.dispatchEvent(new Event('tongxin:session'));
      go(query.next || (isStaff(me) ? '/work' : '/'));
    } catch (e) {
      showFieldError(form, e.field ? e : Object.assign(e, { field: 'password' }));
    } finally {
      button.disabled = false;
      button.textContent = t('login_submit');
    }
  });
  root.replaceChildren(form);
  name.focus();
}
