// core: what every page of the web app shares.
//  - texts in zh-CN (the default) and en: each page adds its own with
//    addTexts() and looks them up with t();
//  - the API client: the session cookie and its CSRF token, the language,
//    JSON errors turned into ApiError with the field the server named;
//  - safe DOM building: h() only ever sets text, never HTML, so whatever a
//    resident typed is shown as typed (the CSP forbids inline script too);
//  - the hash router (#/report, #/case/12 …): pages are modules loaded on
//    first use, so the report page does not carry the dashboard's weight;
//  - formats for times, deadlines (live countdowns) and rates.

const texts = {
  zh: {
    title: '同心 · 社区共治平台', brand: '同心', skip: '跳到正文', nav: '主导航', loading: '加载中…',
    failed: '出错了：{msg}', retry: '重试', other_lang: 'English', sign_in: '登录', sign_out: '退出',
    not_found: '没有这个页面。', forbidden: '您没有权限查看此页面。', need_login: '请先登录。',
    nav_home: '首页', nav_report: '我要反映', nav_cases: '身边事', nav_work: '工作台', nav_network: '大党委',
    nav_lists: '三张清单', nav_dashboard: '街道概况', nav_admin: '管理',
    network_error: '无法连接服务器，请检查网络后重试。', saved: '已保存', required: '必填',
    days: '{n} 天', hours: '{n} 小时', minutes: '{n} 分钟', overdue_by: '已超时 {d}', left: '剩余 {d}',
    no_items: '暂无记录', prev: '上一页', next: '下一页', page_of: '第 {page} 页，共 {total} 条',
    cancel: '取消', submit: '提交', close: '关闭', yes: '是', no: '否',
  },
  en: {
    title: 'tongxin · community co-governance', brand: 'tongxin', skip: 'Skip to content', nav: 'Main',
    loading: 'Loading…', failed: 'Something went wrong: {msg}', retry: 'Retry', other_lang: '中文',
    sign_in: 'Sign in', sign_out: 'Sign out', not_found: 'There is no such page.',
    forbidden: 'You may not see this page.', need_login: 'Please sign in first.',
    nav_home: 'Home', nav_report: 'Report', nav_cases: 'Cases', nav_work: 'Workbench', nav_network: 'Network',
    nav_lists: 'Three lists', nav_dashboard: 'Dashboard', nav_admin: 'Admin',
    network_error: 'The server cannot be reached. Check the connection and try again.', saved: 'Saved',
    required: 'required', days: '{n} d', hours: '{n} h', minutes: '{n} min', overdue_by: 'overdue by {d}',
    left: '{d} left', no_items: 'Nothing here yet', prev: 'Previous', next: 'Next',
    page_of: 'page {page}, {total} in all', cancel: 'Cancel', submit: 'Submit', close: 'Close', yes: 'Yes', no: 'No',
  },
};

export let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh';

/** Adds a page's texts: {zh: {key: text}, en: {key: text}}; both must have the same keys. */
export function addTexts(dict) {
  Object.assign(texts.zh, dict.zh);
  Object.assign(texts.en, dict.en);
}

/** The text for key in the current language, with {name} placeholders filled from vars. */
export function t(key, vars) {
  let s = texts[lang][key] ?? texts.zh[key];
  if (s === undefined) {
    console.error(`missing text: ${key}`);
    s = key;
  }
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

/** Whether there is a text for key (e.g. for an error code the server may send). */
export function hasText(key) {
  return key in texts.zh;
}

/** A value the API gives in both languages ({zh, en} or name_zh / name_en), in the current one. */
export function pick(obj, base = 'name') {
  if (!obj) return '';
  if (typeof obj === 'string') return obj;
  if ('zh' in obj || 'en' in obj) return (lang === 'en' ? obj.en : obj.zh) || obj.zh || obj.en || '';
  return (lang === 'en' ? obj[`${base}_en`] : obj[`${base}_zh`]) || obj[`${base}_zh`] || obj[base] || '';
}

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh';
  localStorage.setItem('lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

// ---- the API client ----------------------------------------------------

/** An error answer: status, the server's code and message, and the field it named (if any). */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

let csrf = null;
let me; // undefined: not asked yet; null: anonymous; else the principal

/**
 * One API call. opts: method, json (sent as JSON), body (FormData or string),
 * query (object of parameters; empty values left out). Answers the parsed
 * JSON (or null for 204), throws ApiError for an error answer and for a
 * network failure (status 0).
 */
export async function api(path, opts = {}) {
  const method = opts.method || 'GET';
  const headers = { Accept: 'application/json', 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', t('network_error'));
  }
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const e = data && data.error;
    throw new ApiError(res.status, e ? e.code : 'http', e ? e.message : `${res.status} ${res.statusText}`, e && e.field);
  }
  return data;
}

// The session cookie is HttpOnly, so the page cannot see it: a flag in
// localStorage remembers that this browser signed in, and only then is the
// server asked who we are (an anonymous resident causes no 401 at all).
const SIGNED_IN = 'signed-in';

/** The signed-in principal ({login, role, scope}) or null; asked once per page load. */
export async function whoami() {
  if (me === undefined) {
    me = null;
    if (localStorage.getItem(SIGNED_IN)) {
      try {
        const r = await api('/api/v1/auth/me');
        me = r.user;
        csrf = r.csrf_token || null;
      } catch (e) {
        if (e.status !== 401) {
          me = undefined;
          throw e;
        }
        localStorage.removeItem(SIGNED_IN); // the session expired or was ended elsewhere
      }
    }
  }
  return me;
}

export async function signIn(login, password) {
  const r = await api('/api/v1/auth/login', { method: 'POST', json: { login, password } });
  me = r.user;
  csrf = r.csrf_token;
  localStorage.setItem(SIGNED_IN, '1');
  return me;
}

export async function signOut() {
  try {
    await api('/api/v1/auth/logout', { method: 'POST' });
  } finally {
    me = null;
    csrf = null;
    localStorage.removeItem(SIGNED_IN);
  }
}

/** Roles that work cases and see a workbench (member units: property companies handle cases in their compounds). */
export const STAFF_ROLES = ['street_admin', 'community_staff', 'grid_worker', 'department_staff', 'member_unit'];
export const isStaff = (p) => !!p && STAFF_ROLES.includes(p.role);

// ---- safe DOM building -----------------------------------------------------

/**
 * An element: h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child…).
 * Attributes named on* become listeners; `dataset` an object; false/null
 * attributes and children are left out; strings become text nodes, never HTML.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let fieldSeq = 0;
/** A labelled form field: the label is tied to the control by id (screen readers, clicking the label). */
export function field(label, control, hint) {
  if (!control.id) control.id = `f${++fieldSeq}`;
  const parts = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hid = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hid);
    parts.push(h('small', { id: hid, class: 'hint' }, hint));
  }
  return h('div', { class: 'field', dataset: { field: control.name || '' } }, parts);
}

/** Marks the control of form whose name is err.field (the server named it) and shows the message there. */
export function showFieldError(form, err) {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const bad of form.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
  const msg = h('p', { class: 'field-error', role: 'alert' }, err.message);
  // the control named exactly ('deadlines.accept'), else the field's first part ('attribute[x]' → 'attribute')
  const byName = (n) => n && form.querySelector(`[name="${CSS.escape(n)}"]`);
  const control = err.field && (byName(err.field) || byName(err.field.split(/[.[]/)[0]));
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.closest('.field')?.append(msg);
    control.focus();
  } else {
    form.prepend(msg);
  }
}

/** Replaces root's content with a loading line. */
export function loading(root) {
  root.replaceChildren(h('p', { class: 'status', role: 'status' }, t('loading')));
}

/** Replaces root's content with an error and a retry button (when retry is given). */
export function failed(root, err, retry) {
  root.replaceChildren(
    h('div', { class: 'error', role: 'alert' },
      h('p', {}, t('failed', { msg: err.message })),
      retry ? h('button', { type: 'button', onclick: retry }, t('retry')) : null),
  );
}

/** Loads a page's own stylesheet (web/css/pages/NAME.css) once: pages style themselves without inline styles (CSP). */
export function styles(name) {
  if (document.querySelector(`link[data-page-css="${name}"]`)) return;
  document.head.append(h('link', { rel: 'stylesheet', href: `css/pages/${name}.css`, dataset: { pageCss: name } }));
}

/** A passing notice at the bottom of the screen. */
export function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
}

// ---- formats ------------------------------------------------------------

const locale = () => (lang === 'en' ? 'en-GB' : 'zh-CN');

/** A time from the API (ISO 8601) in Asia/Shanghai, as the street reads it. */
export function fmtTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(locale(), {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

export function fmtDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(locale(), { timeZone: 'Asia/Shanghai' });
}

/** A rate 0..1 (or null: no cases to rate) as a percentage. */
export function fmtRate(r) {
  return r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`;
}

function span(ms) {
  const m = Math.round(Math.abs(ms) / 60000);
  if (m >= 1440) return t('days', { n: (m / 1440).toFixed(m >= 14400 ? 0 : 1) });
  if (m >= 60) return t('hours', { n: Math.floor(m / 60) }) + (m % 60 ? ` ${t('minutes', { n: m % 60 })}` : '');
  return t('minutes', { n: m });
}

/** The text of a deadline relative to now: "剩余 3 小时" or "已超时 2 天". */
export function dueText(iso, now = Date.now()) {
  const d = new Date(iso).getTime() - now;
  return d < 0 ? t('overdue_by', { d: span(d) }) : t('left', { d: span(d) });
}

const countdowns = new Set();
/** A live countdown to a deadline: updated every 30 s while it is on the page. */
export function countdown(iso) {
  const el = h('time', { datetime: iso, class: 'countdown', title: fmtTime(iso) });
  const tick = () => {
    el.textContent = dueText(iso);
    el.classList.toggle('overdue', new Date(iso).getTime() < Date.now());
  };
  tick();
  countdowns.add({ el, tick });
  return el;
}
setInterval(() => {
  for (const c of countdowns) {
    if (!c.el.isConnected) countdowns.delete(c);
    else c.tick();
  }
}, 30000);

// ---- the router -----------------------------------------------------------

const routes = [];

/**
 * Registers a page: pattern a RegExp over the hash path (its groups are the
 * params), load() imports the page module, which exports
 * render(root, {params, query}) and may export `title` (a text key).
 */
export function route(pattern, load) {
  routes.push({ pattern, load });
}

/** The current hash as {path, query}: '#/track/5?token=x' → {'/track/5', {token: 'x'}}. */
export function location() {
  const raw = window.location.hash.slice(1) || '/';
  const i = raw.indexOf('?');
  const path = i < 0 ? raw : raw.slice(0, i);
  const query = Object.fromEntries(new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)));
  return { path, query };
}

/** Goes to a hash, e.g. go('/case/5'); render() follows from the hashchange. */
export function go(path) {
  window.location.hash = `#${path}`;
}

let renderSeq = 0;
/** Renders the page for the current hash into root. */
export async function render(root) {
  const seq = ++renderSeq;
  const { path, query } = location();
  const r = routes.find((x) => x.pattern.test(path));
  loading(root);
  if (!r) {
    root.replaceChildren(h('p', { class: 'notice' }, t('not_found')));
    return;
  }
  // an optional group that did not match stays undefined (not the string 'undefined')
  const params = path.match(r.pattern).slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
  try {
    const page = await r.load();
    if (seq !== renderSeq) return; // the user moved on meanwhile
    document.title = page.title ? `${t(page.title)} · ${t('brand')}` : t('title');
    await page.render(root, { params, query });
  } catch (e) {
    if (seq === renderSeq) failed(root, e, () => render(root));
  }
}
