// workbench: the staff's queues, each cut to the viewer's scope by the
// server (GET /api/v1/cases?scope=…): a grid worker's grid, a community's
// office, the street, a department's referrals, a property company's cases.
// Queues — new, mine, due within 24 hours, overdue, referred, awaiting the
// reporter's rating, all — each with its count (the `total` of a one-item
// request, with the same filters), sorted by the governing deadline (the
// server's order), with live countdowns. Filters (category, area, text,
// state) and the page live in the hash, so a reload or a shared link shows
// the same list. Also exports the case vocabulary the case page shares.
import { addTexts, api, countdown, field, fmtTime, h, isStaff, pick, styles, t, whoami } from '../core.js';

const TEXTS = {
  zh: {
    wb_title: '工作台', wb_lead: '按时限排序：最先到期的在最前面。',
    wb_need_login: '工作台供街道、社区、网格、部门和物业工作人员使用，请先登录。',
    wb_not_role: '工作台只供承办诉求的工作人员使用，您的账号（{role}）没有工作台。',
    wb_report_instead: '要反映问题？', wb_queues: '队列',
    wb_q_new: '待受理', wb_q_mine: '我承办的', wb_q_soon: '24小时内到期', wb_q_overdue: '已超时',
    wb_q_referred: '转交本部门的', wb_q_rating: '待评价', wb_q_all: '全部',
    wb_q_new_hint: '新反映的诉求，等待受理', wb_q_mine_hint: '当前由我方承办',
    wb_q_soon_hint: '办理中、24小时内到期（含已超时）', wb_q_overdue_hint: '办理中且已过时限',
    wb_q_referred_hint: '转交给本部门的诉求（吹哨报到）', wb_q_rating_hint: '已办结，等待反映人评价或回访',
    wb_q_all_hint: '范围内的全部诉求',
    wb_filters: '筛选', wb_category: '类别', wb_any_category: '全部类别', wb_area: '区域', wb_any_area: '全部区域',
    wb_state: '状态', wb_any_state: '全部状态', wb_search: '搜索描述或地址', wb_apply: '筛选', wb_clear: '清除筛选',
    wb_refresh: '刷新', wb_count: '共 {n} 条', wb_empty: '这个队列里没有诉求。', wb_scope: '范围：{scope}',
    wb_due_accept: '受理时限', wb_due_resolve: '办理时限', wb_due_rating: '评价截止', wb_updated: '更新于 {time}',
    wb_submitted: '{time} 反映', wb_handler: '承办：{name}', wb_no_handler: '待分派', wb_page: '第 {page} / {pages} 页',
    wb_list: '诉求列表',
    // the case vocabulary (shared with the case page)
    st_submitted: '待受理', st_accepted: '已受理', st_dispatched: '已派单', st_in_progress: '办理中',
    st_resolved: '已办结待评价', st_closed: '已结案', st_returned: '已退回', st_reopened: '重新办理',
    st_merged: '已合并', st_invalid: '无效',
    tier_grid: '网格级', tier_community: '社区级', tier_street: '街道级',
    hd_none: '无', hd_grid_worker: '网格员', hd_community_office: '社区', hd_street_office: '街道',
    hd_property_company: '物业公司', hd_department: '区直部门',
    role_street_admin: '街道管理员', role_community_staff: '社区工作人员', role_grid_worker: '网格员',
    role_department_staff: '部门工作人员', role_member_unit: '成员单位', role_resident: '居民', role_volunteer: '志愿者',
    role_reporter: '反映人', role_platform: '系统', role_anonymous: '匿名', role_api_client: '外部系统',
    ch_web: '网页', ch_staff: '工作人员代录', ch_patrol: '巡查发现', ch_hotline: '12345热线', ch_open311: 'Open311',
  },
  en: {
    wb_title: 'Workbench', wb_lead: 'Sorted by deadline: the soonest first.',
    wb_need_login: 'The workbench is for street, community, grid, department and property staff. Please sign in.',
    wb_not_role: 'The workbench is for staff who handle cases; your account ({role}) has none.',
    wb_report_instead: 'Want to report a problem?', wb_queues: 'Queues',
    wb_q_new: 'New', wb_q_mine: 'Mine', wb_q_soon: 'Due in 24 h', wb_q_overdue: 'Overdue',
    wb_q_referred: 'Referred to us', wb_q_rating: 'Awaiting rating', wb_q_all: 'All',
    wb_q_new_hint: 'New reports waiting to be accepted', wb_q_mine_hint: 'Held by us now',
    wb_q_soon_hint: 'Open, due within 24 hours (overdue ones included)', wb_q_overdue_hint: 'Open and past their deadline',
    wb_q_referred_hint: 'Referred to our department', wb_q_rating_hint: 'Resolved, waiting for the reporter or a follow-up call',
    wb_q_all_hint: 'Every case in scope',
    wb_filters: 'Filters', wb_category: 'Category', wb_any_category: 'All categories', wb_area: 'Area',
    wb_any_area: 'All areas', wb_state: 'State', wb_any_state: 'All states', wb_search: 'Search description or address',
    wb_apply: 'Filter', wb_clear: 'Clear filters', wb_refresh: 'Refresh', wb_count: '{n} in all',
    wb_empty: 'No cases in this queue.', wb_scope: 'Scope: {scope}', wb_due_accept: 'Accept by',
    wb_due_resolve: 'Resolve by', wb_due_rating: 'Rating closes', wb_updated: 'updated {time}',
    wb_submitted: 'reported {time}', wb_handler: 'Handler: {name}', wb_no_handler: 'not dispatched',
    wb_page: 'page {page} of {pages}', wb_list: 'Cases',
    st_submitted: 'submitted', st_accepted: 'accepted', st_dispatched: 'dispatched', st_in_progress: 'in progress',
    st_resolved: 'resolved, awaiting rating', st_closed: 'closed', st_returned: 'returned', st_reopened: 'reopened',
    st_merged: 'merged', st_invalid: 'invalid',
    tier_grid: 'grid tier', tier_community: 'community tier', tier_street: 'street tier',
    hd_none: 'none', hd_grid_worker: 'grid worker', hd_community_office: 'community office',
    hd_street_office: 'street office', hd_property_company: 'property company', hd_department: 'district department',
    role_street_admin: 'street admin', role_community_staff: 'community staff', role_grid_worker: 'grid worker',
    role_department_staff: 'department staff', role_member_unit: 'member unit', role_resident: 'resident',
    role_volunteer: 'volunteer', role_reporter: 'reporter', role_platform: 'the platform', role_anonymous: 'anonymous',
    role_api_client: 'external system',
    ch_web: 'web', ch_staff: 'entered by staff', ch_patrol: 'patrol', ch_hotline: '12345 hotline', ch_open311: 'Open311',
  },
};
addTexts(TEXTS);

export const title = 'wb_title';

export const STATES = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'closed', 'returned',
  'reopened', 'merged', 'invalid'];

/** A vocabulary text by prefix and code, or the code itself when unknown (a newer server). */
export function term(prefix, code) {
  if (code === null || code === undefined || code === '') return '';
  const key = `${prefix}_${code}`;
  return key in TEXTS.zh ? t(key) : code;
}

/** The badge of a case's state: open work, done, or set aside. */
export function stateBadge(state) {
  const cls = state === 'closed' ? 'done' : state === 'resolved' ? 'done' : state === 'merged' || state === 'invalid'
    ? 'muted' : state === 'returned' || state === 'reopened' ? 'bad' : 'open';
  return h('span', { class: `badge ${cls} st-${state}` }, term('st', state));
}

export function tierBadge(tier) {
  return tier ? h('span', { class: `badge tier tier-${tier}` }, term('tier', tier)) : null;
}

/** "网格员 · 白云社区第1网格": the kind of handler and which one. */
export function handlerText(hd) {
  if (!hd || hd.kind === 'none') return t('wb_no_handler');
  const kind = pick(hd) || term('hd', hd.kind);
  return hd.of ? `${kind} · ${pick(hd.of)}` : kind;
}

/** The label of the deadline that governs a case now (due_at). */
export function dueLabel(state) {
  return state === 'submitted' ? t('wb_due_accept') : state === 'resolved' ? t('wb_due_rating') : t('wb_due_resolve');
}

let categories;
/** The active categories, fetched once per page load. */
export function loadCategories() {
  if (!categories) {
    categories = api('/api/v1/categories').then((r) => r.items || []);
    categories.catch(() => { categories = null; });
  }
  return categories;
}

// ---- the queues -------------------------------------------------------------

/** The scope a role's queues cover: its own area, its department's referrals, or what its company holds. */
function baseScope(me) {
  switch (me.role) {
    case 'grid_worker': return 'grid';
    case 'community_staff': return 'community';
    case 'street_admin': return 'street';
    case 'department_staff': return 'referred';
    default: return 'mine';
  }
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The queues of a role, in the order of the tabs; params() is asked at each request (due soon moves with time). */
function queuesFor(me) {
  const base = baseScope(me);
  const qs = [];
  if (base === 'referred') qs.push({ key: 'referred', params: () => ({ scope: 'referred', status: 'open' }) });
  else if (base !== 'mine') qs.push({ key: 'new', params: () => ({ scope: base, state: 'submitted' }) });
  qs.push({ key: 'mine', params: () => ({ scope: 'mine', status: 'open' }) });
  qs.push({ key: 'soon', params: () => ({ scope: base, status: 'open', due_before: iso(Date.now() + 24 * 3600e3) }) });
  qs.push({ key: 'overdue', params: () => ({ scope: base, overdue: 'true' }) });
  qs.push({ key: 'rating', params: () => ({ scope: base, status: 'awaiting_rating' }) });
  qs.push({ key: 'all', params: () => ({ scope: base, status: 'all' }), states: true });
  return qs;
}

const PAGE = 20;

/** The name of the viewer's scope (an area or an organisation). */
async function scopeName(me) {
  if (!me.scope) return '';
  try {
    if (me.scope.kind === 'area') return pick((await api(`/api/v1/areas/${me.scope.id}`)).properties);
    if (me.scope.kind === 'org') return pick(await api(`/api/v1/organisations/${me.scope.id}`));
  } catch {
    /* the code will do */
  }
  return me.scope.code || '';
}

/** The areas inside the viewer's own one that a queue may be narrowed to (communities of a street, grids of a community). */
async function subAreas(me) {
  const kind = me.role === 'street_admin' ? 'community' : me.role === 'community_staff' ? 'grid' : null;
  if (!kind || !me.scope || me.scope.kind !== 'area') return [];
  try {
    const fc = await api('/api/v1/areas', { query: { kind, parent: me.scope.id } });
    return (fc.features || []).map((f) => f.properties);
  } catch {
    return [];
  }
}

function gate(root, me) {
  if (!me) {
    root.replaceChildren(h('section', { class: 'card narrow wb-gate' },
      h('h1', {}, t('wb_title')),
      h('p', {}, t('wb_need_login')),
      h('p', { class: 'actions' }, h('a', { class: 'btn primary', href: '#/login?next=/work' }, t('sign_in')))));
    return true;
  }
  if (!isStaff(me)) {
    root.replaceChildren(h('section', { class: 'card narrow wb-gate' },
      h('h1', {}, t('wb_title')),
      h('p', { role: 'alert' }, t('wb_not_role', { role: term('role', me.role) })),
      h('p', {}, t('wb_report_instead'), ' ', h('a', { href: '#/report' }, t('nav_report')))));
    return true;
  }
  return false;
}

export async function render(root, { query }) {
  styles('workbench');
  const me = await whoami();
  if (gate(root, me)) return;

  const queues = queuesFor(me);
  const s = {
    queue: queues.some((q) => q.key === query.queue) ? query.queue : queues[0].key,
    category: query.category || '',
    area: query.area || '',
    state: query.state || '',
    q: query.q || '',
    page: Math.max(1, parseInt(query.page, 10) || 1),
  };
  const current = () => queues.find((q) => q.key === s.queue);

  // remembered for the case page's "back to the workbench"
  const remember = () => {
    const p = new URLSearchParams();
    for (const k of ['queue', 'category', 'area', 'state', 'q']) if (s[k]) p.set(k, s[k]);
    if (s.page > 1) p.set('page', String(s.page));
    const hash = `#/work${p.toString() ? `?${p}` : ''}`;
    if (window.location.hash !== hash) history.replaceState(null, '', hash);
    sessionStorage.setItem('work-hash', hash);
  };

  const scopeLine = h('p', { class: 'wb-scope muted' });
  const tabs = h('div', { class: 'wb-tabs', role: 'group', 'aria-label': t('wb_queues') });
  const countEls = {};
  const tabButtons = {};
  for (const q of queues) {
    countEls[q.key] = h('span', { class: 'wb-count' }, '…');
    tabButtons[q.key] = h('button', {
      type: 'button', class: 'wb-tab', dataset: { queue: q.key }, title: t(`wb_q_${q.key}_hint`),
      onclick: () => {
        s.queue = q.key;
        s.page = 1;
        if (!q.states) s.state = '';
        stateField.hidden = !q.states;
        markTabs();
        loadList();
      },
    }, h('span', { class: 'wb-tab-name' }, t(`wb_q_${q.key}`)), ' ', countEls[q.key]);
    tabs.append(tabButtons[q.key]);
  }
  const markTabs = () => {
    for (const [k, b] of Object.entries(tabButtons)) b.setAttribute('aria-pressed', k === s.queue ? 'true' : 'false');
  };

  // filters
  const catSel = h('select', { name: 'category' }, h('option', { value: '' }, t('wb_any_category')));
  const areaSel = h('select', { name: 'area' }, h('option', { value: '' }, t('wb_any_area')));
  const stateSel = h('select', { name: 'state' }, h('option', { value: '' }, t('wb_any_state')),
    STATES.map((st) => h('option', { value: st, selected: st === s.state }, term('st', st))));
  const search = h('input', { name: 'q', type: 'search', value: s.q, autocomplete: 'off' });
  const areaField = field(t('wb_area'), areaSel);
  areaField.hidden = true;
  const stateField = field(t('wb_state'), stateSel);
  stateField.hidden = !current().states;
  const filters = h('form', { class: 'wb-filters', role: 'search', 'aria-label': t('wb_filters') },
    field(t('wb_category'), catSel), areaField, stateField, field(t('wb_search'), search),
    h('div', { class: 'wb-filter-buttons' },
      h('button', { type: 'submit', class: 'primary' }, t('wb_apply')),
      h('button', {
        type: 'button', onclick: () => {
          catSel.value = '';
          areaSel.value = '';
          stateSel.value = '';
          search.value = '';
          applyFilters();
        },
      }, t('wb_clear'))));
  const applyFilters = () => {
    s.category = catSel.value;
    s.area = areaSel.value;
    s.state = current().states ? stateSel.value : '';
    s.q = search.value.trim();
    s.page = 1;
    loadCounts();
    loadList();
  };
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    applyFilters();
  });
  for (const sel of [catSel, areaSel, stateSel]) sel.addEventListener('change', applyFilters);

  const listHead = h('p', { class: 'wb-total', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'wb-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('wb_list') });

  root.replaceChildren(
    h('div', { class: 'wb-head' },
      h('div', {},
        h('h1', {}, t('wb_title')),
        scopeLine),
      h('button', { type: 'button', class: 'wb-refresh', onclick: () => { loadCounts(); loadList(); } }, t('wb_refresh'))),
    tabs,
    h('details', { class: 'wb-filter-box card', open: !!(s.category || s.area || s.q || s.state) || window.innerWidth >= 768 },
      h('summary', {}, t('wb_filters')), filters),
    h('section', { class: 'wb-results', 'aria-label': t('wb_list') },
      listHead, h('p', { class: 'hint' }, t('wb_lead')), list, pager),
  );
  markTabs();

  scopeName(me).then((name) => {
    scopeLine.textContent = `${term('role', me.role)} · ${t('wb_scope', { scope: name })}`;
  });
  loadCategories().then((cats) => {
    catSel.append(...cats.map((c) => h('option', { value: c.code, selected: c.code === s.category },
      pick({ name: c.name, name_en: c.name_en }))));
  }).catch(() => { /* the list still works without the filter's names */ });
  subAreas(me).then((areas) => {
    if (!areas.length) return;
    areaSel.append(...areas.map((a) => h('option', { value: String(a.id), selected: String(a.id) === s.area }, pick(a))));
    areaField.hidden = false;
  });

  const filterParams = () => ({ category: s.category, area: s.area, q: s.q });

  let countSeq = 0;
  async function loadCounts(quiet) {
    const seq = ++countSeq;
    if (!quiet) {
      for (const el of Object.values(countEls)) {
        el.textContent = '…';
        el.classList.remove('hot');
      }
    }
    await Promise.all(queues.map(async (q) => {
      try {
        const r = await api('/api/v1/cases', { query: { ...q.params(), ...filterParams(), limit: 1 } });
        if (seq !== countSeq) return;
        countEls[q.key].textContent = String(r.total);
        countEls[q.key].classList.toggle('hot', r.total > 0 && (q.key === 'overdue' || q.key === 'new'));
        tabButtons[q.key].setAttribute('aria-label', `${t(`wb_q_${q.key}`)} ${r.total}`);
      } catch {
        if (seq === countSeq) countEls[q.key].textContent = '?';
      }
    }));
  }

  let listSeq = 0;
  async function loadList() {
    const seq = ++listSeq;
    remember();
    listHead.textContent = t('loading');
    list.replaceChildren();
    pager.replaceChildren();
    const q = current();
    let r;
    try {
      r = await api('/api/v1/cases', {
        query: { ...q.params(), ...filterParams(), state: q.states ? s.state : q.params().state, limit: PAGE,
          offset: (s.page - 1) * PAGE },
      });
    } catch (e) {
      if (seq !== listSeq) return;
      listHead.textContent = '';
      const retry = h('button', { type: 'button', onclick: loadList }, t('retry'));
      list.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, t('failed', { msg: e.message })), retry));
      // a filter the server refused: mark it
      const bad = e.field && filters.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (bad) bad.setAttribute('aria-invalid', 'true');
      return;
    }
    if (seq !== listSeq) return;
    for (const bad of filters.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
    countEls[q.key].textContent = String(r.total);
    listHead.textContent = `${t(`wb_q_${q.key}`)} · ${t('wb_count', { n: r.total })}`;
    if (!r.items.length) {
      list.replaceChildren(h('p', { class: 'wb-empty muted' }, t('wb_empty')));
    } else {
      list.replaceChildren(h('ul', { class: 'wb-cases plain' }, r.items.map(caseItem)));
    }
    const pages = Math.max(1, Math.ceil(r.total / PAGE));
    if (pages > 1) {
      pager.replaceChildren(
        h('button', { type: 'button', disabled: s.page <= 1, onclick: () => { s.page -= 1; loadList(); } }, t('prev')),
        h('span', {}, t('wb_page', { page: s.page, pages })),
        h('button', { type: 'button', disabled: s.page >= pages, onclick: () => { s.page += 1; loadList(); } }, t('next')));
    }
  }

  loadCounts();
  // the counts follow new reports and passing deadlines while the workbench is open
  const timer = setInterval(() => {
    if (!tabs.isConnected) clearInterval(timer);
    else if (document.visibilityState === 'visible') loadCounts(true);
  }, 60000);
  await loadList();
}

/** One case in a queue: what, where, who has it, and the clock. */
export function caseItem(c) {
  const due = c.open && c.due_at
    ? h('span', { class: 'wb-due' }, h('span', { class: 'wb-due-label' }, dueLabel(c.state)), ' ', countdown(c.due_at))
    : h('span', { class: 'wb-due muted' }, t('wb_updated', { time: fmtTime(c.updated_at) }));
  const place = [c.community && pick(c.community), c.grid && pick(c.grid)].filter(Boolean).join(' · ') || c.address || '';
  return h('li', { class: 'wb-case', dataset: { id: String(c.id), state: c.state } },
    h('a', { class: 'wb-case-link', href: `#/case/${c.id}` },
      h('span', { class: 'wb-case-top' },
        h('span', { class: 'wb-case-id' }, `#${c.id}`),
        h('strong', { class: 'wb-case-cat' }, pick({ name: c.service_name, name_en: c.service_name_en })),
        stateBadge(c.state), tierBadge(c.tier)),
      h('span', { class: 'wb-case-desc' }, c.description),
      h('span', { class: 'wb-case-meta' },
        place ? h('span', {}, place) : null,
        h('span', {}, t('wb_handler', { name: handlerText(c.handler) })),
        h('span', {}, t('wb_submitted', { time: fmtTime(c.submitted_at) })))),
    due);
}
