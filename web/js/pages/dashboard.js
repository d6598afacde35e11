// dashboard: the street at a glance (街道概况) — for the street or one
// community over a chosen period: the service figures the units are rated
// on (响应率, 解决率, 满意率, 按时办结率, 办结率 and how much is settled in the
// grid and in the community, docs/METRICS.md), the cases by state,
// category and channel, the trend (received and resolved by the day or
// week they came in), a map of the grids coloured by their cases, every
// community's (or grid's) figures side by side, the cases overdue now, and
// the three lists' figures (needs met, projects by status, what each member
// unit contributed).
//
// The view lives in the link (#/dashboard?area=ID&from=…&to=…), so it can
// be bookmarked and shared. Everything comes from the public figures
// (GET /api/v1/stats/cases with series= and breakdown=, GET
// /api/v1/stats/lists); the overdue list is the viewer's queue for staff
// and the public list (no personal data) for everyone else. uPlot draws the
// trend; it is loaded by this page only.
import { addTexts, api, countdown, failed, field, fmtRate, go, h, lang, pick, showFieldError, styles, t, whoami }
  from '../core.js';
import { areas, streetMap } from '../map.js';

addTexts({
  zh: {
    db_title: '街道概况', db_lead: '群众诉求办理情况和“三张清单”进展，数据随办理实时更新。',
    db_filters: '查看范围', db_area: '区域', db_street_all: '{name}（全街道）', db_from: '开始日期', db_to: '结束日期',
    db_apply: '查看', db_presets: '快速选择', db_last_n: '近{n}天', db_period: '{from} 至 {to}',
    db_back_street: '返回全街道', db_unknown_area: '没有编号为 {id} 的街道或社区，已显示全街道。',
    db_kpis: '办理指标', db_kpis_note: '按诉求提交日期统计：统计期内提交的诉求，以及它们至今的办理情况。',
    db_received: '收到诉求', db_received_sub: '有效 {valid} 件，合并 {merged}，无效 {invalid}',
    db_overdue_open: '逾期未办结', db_overdue_sub: '统计期内提交、正在办理且已超时',
    db_rate_response: '响应率', db_rate_resolution: '解决率', db_rate_satisfaction: '满意率', db_rate_on_time: '按时办结率',
    db_rate_completion: '办结率', db_rate_grid_closure: '网格内办结率', db_rate_community_closure: '社区内办结率',
    db_hint_response: '按时联系反映人', db_hint_resolution: '反映人认为已解决', db_hint_satisfaction: '满意和基本满意',
    db_hint_on_time: '在办理时限内办结', db_hint_completion: '已办结或已结案', db_hint_grid_closure: '小事不出网格',
    db_hint_community_closure: '大事不出社区', db_fraction: '{n} / {d}', db_no_rate: '暂无可计算的诉求',
    db_trend: '诉求趋势', db_trend_title: '诉求趋势（{by}）', db_trend_day: '按日', db_trend_week: '按周',
    db_groups: '诉求构成',
    db_trend_note: '每个点是当天（或当周）提交的诉求数，以及其中至今已办结的数量。',
    db_series_received: '收到', db_series_resolved: '其中已办结', db_trend_table: '查看数据表', db_date: '日期',
    db_week_of: '{from} 起一周', db_trend_failed: '趋势图无法显示（{msg}）。',
    db_map: '各网格诉求分布', db_map_note: '颜色越深，统计期内该网格收到的诉求越多。点击网格查看所在社区。',
    db_map_failed: '地图无法加载（{msg}），下方表格不受影响。', db_legend: '图例（件）', db_cases_n: '{n} 件',
    db_by_state: '按状态', db_by_category: '按类别', db_by_channel: '按渠道',
    db_state_submitted: '待受理', db_state_accepted: '已受理', db_state_dispatched: '已派单', db_state_in_progress: '办理中',
    db_state_resolved: '已办结待评价', db_state_closed: '已结案', db_state_returned: '已退回', db_state_reopened: '重新办理',
    db_state_merged: '已合并', db_state_invalid: '无效',
    db_channel_web: '网页', db_channel_open311: 'Open311', db_channel_hotline: '12345热线', db_channel_staff: '工作人员代录',
    db_channel_patrol: '网格巡查',
    db_table_communities: '各社区指标', db_table_grids: '各网格指标', db_col_area: '名称', db_col_received: '收到',
    db_col_overdue: '逾期', db_table_caption: '统计期内提交的诉求，按收到数量排序',
    db_overdue_list: '当前逾期诉求', db_overdue_note_staff: '您负责范围内正在办理且已超过时限的诉求，最紧急的在前。',
    db_overdue_note_public: '正在办理且已超过时限的诉求（不含反映人信息）。', db_overdue_none: '目前没有逾期的诉求。',
    db_overdue_total: '共 {n} 件', db_overdue_more: '在工作台查看全部',
    db_lists: '“三张清单”', db_lists_note: '统计期内新增的需求、资源和项目，以及成员单位的贡献。',
    db_needs_raised: '新增需求', db_needs_met: '已满足需求', db_resources_offered: '新增资源', db_delivered: '资源已兑现',
    db_projects_started: '启动项目', db_projects_done: '完成项目', db_needs_by_status: '需求状态',
    db_projects_by_status: '项目状态', db_by_unit: '成员单位贡献', db_unit: '单位', db_unit_offered: '提供资源',
    db_unit_commitments: '承诺', db_unit_delivered: '兑现', db_unit_claims: '认领需求', db_units_none: '统计期内没有成员单位贡献记录。',
    db_need_open: '待认领', db_need_matched: '已认领', db_need_in_project: '项目实施中', db_need_met: '已满足',
    db_need_closed: '已关闭', db_project_planned: '计划中', db_project_active: '实施中', db_project_done: '已完成',
    db_project_cancelled: '已取消', db_none: '无',
  },
  en: {
    db_title: 'Dashboard', db_lead: 'How residents\' cases are handled and how the three lists are going, updated as cases move.',
    db_filters: 'What to show', db_area: 'Area', db_street_all: '{name} (whole street)', db_from: 'From', db_to: 'To',
    db_apply: 'Show', db_presets: 'Quick choice', db_last_n: 'Last {n} days', db_period: '{from} to {to}',
    db_back_street: 'Back to the whole street', db_unknown_area: 'There is no street or community {id}; showing the whole street.',
    db_kpis: 'Service figures', db_kpis_note: 'By the day a case was reported: the cases reported in the period, and how they stand now.',
    db_received: 'Cases received', db_received_sub: '{valid} valid, {merged} merged, {invalid} invalid',
    db_overdue_open: 'Overdue', db_overdue_sub: 'Reported in the period, still open and past their deadline',
    db_rate_response: 'Response', db_rate_resolution: 'Resolution', db_rate_satisfaction: 'Satisfaction',
    db_rate_on_time: 'On time', db_rate_completion: 'Completion', db_rate_grid_closure: 'Closed in the grid',
    db_rate_community_closure: 'Closed in the community',
    db_hint_response: 'reporter contacted in time', db_hint_resolution: 'solved, as the reporter says',
    db_hint_satisfaction: 'satisfied or basically satisfied', db_hint_on_time: 'resolved within the deadline',
    db_hint_completion: 'resolved or closed', db_hint_grid_closure: 'small matters stay in the grid',
    db_hint_community_closure: 'big matters stay in the community', db_fraction: '{n} / {d}', db_no_rate: 'nothing to rate yet',
    db_trend: 'Trend', db_trend_title: 'Trend ({by})', db_trend_day: 'by day', db_trend_week: 'by week',
    db_groups: 'What the cases are',
    db_trend_note: 'Each point is the cases reported that day (or week), and how many of them are resolved by now.',
    db_series_received: 'Received', db_series_resolved: 'of them resolved', db_trend_table: 'Show the data as a table',
    db_date: 'Date', db_week_of: 'week of {from}', db_trend_failed: 'The chart cannot be shown ({msg}).',
    db_map: 'Cases by grid', db_map_note: 'The darker a grid, the more cases it received in the period. Click a grid to see its community.',
    db_map_failed: 'The map cannot be shown ({msg}); the table below still works.', db_legend: 'Legend (cases)',
    db_cases_n: '{n} cases',
    db_by_state: 'By state', db_by_category: 'By category', db_by_channel: 'By channel',
    db_state_submitted: 'submitted', db_state_accepted: 'accepted', db_state_dispatched: 'dispatched',
    db_state_in_progress: 'in progress', db_state_resolved: 'resolved, awaiting rating', db_state_closed: 'closed',
    db_state_returned: 'returned', db_state_reopened: 'reopened', db_state_merged: 'merged', db_state_invalid: 'invalid',
    db_channel_web: 'web', db_channel_open311: 'Open311', db_channel_hotline: '12345 hotline',
    db_channel_staff: 'entered by staff', db_channel_patrol: 'grid patrol',
    db_table_communities: 'Communities side by side', db_table_grids: 'Grids side by side', db_col_area: 'Name',
    db_col_received: 'Received', db_col_overdue: 'Overdue', db_table_caption: 'Cases reported in the period, most first',
    db_overdue_list: 'Overdue now', db_overdue_note_staff: 'Open cases in your scope past their deadline, most urgent first.',
    db_overdue_note_public: 'Open cases past their deadline (nothing about who reported them).',
    db_overdue_none: 'Nothing is overdue.', db_overdue_total: '{n} in all', db_overdue_more: 'See them all in the workbench',
    db_lists: 'The three lists', db_lists_note: 'Needs, resources and projects added in the period, and what member units contributed.',
    db_needs_raised: 'Needs raised', db_needs_met: 'Needs met', db_resources_offered: 'Resources offered',
    db_delivered: 'Resources delivered', db_projects_started: 'Projects started', db_projects_done: 'Projects done',
    db_needs_by_status: 'Needs by status', db_projects_by_status: 'Projects by status', db_by_unit: 'Member units\' contributions',
    db_unit: 'Unit', db_unit_offered: 'Offered', db_unit_commitments: 'Committed', db_unit_delivered: 'Delivered',
    db_unit_claims: 'Needs claimed', db_units_none: 'No member unit contributed in the period.',
    db_need_open: 'open', db_need_matched: 'claimed', db_need_in_project: 'in a project', db_need_met: 'met',
    db_need_closed: 'closed', db_project_planned: 'planned', db_project_active: 'active', db_project_done: 'done',
    db_project_cancelled: 'cancelled', db_none: 'none',
  },
});

export const title = 'db_title';

const RATES = ['response', 'resolution', 'satisfaction', 'on_time', 'completion', 'grid_closure', 'community_closure'];
const TABLE_RATES = ['response', 'completion', 'satisfaction', 'on_time'];
const PRESETS = [7, 30, 90, 365];
const DAY_MS = 86400000;
// The map's scale, lightest to darkest (0 cases is grey).
const SCALE = ['#fde0c5', '#facba6', '#f59e72', '#e4664a', '#b8323f'];
const NONE = '#eef0f2';

// ---- dates (local days in Asia/Shanghai, as the figures count them) ----

const isDate = (s) => typeof s === 'string' && /^\d{4}-\d\d-\d\d$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
const shortDate = (d) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`;

/** The view's link: #/dashboard?area=…&from=…&to=… */
function link(v) {
  const q = new URLSearchParams();
  if (v.area) q.set('area', v.area);
  q.set('from', v.from);
  q.set('to', v.to);
  return `/dashboard?${q}`;
}

// ---- uPlot, loaded once, for this page only ----

let uplot;
function loadUplot() {
  if (!uplot) {
    uplot = new Promise((resolve, reject) => {
      document.head.append(h('link', { rel: 'stylesheet', href: 'vendor/uplot/uPlot.min.css' }));
      const s = document.createElement('script');
      s.src = 'vendor/uplot/uPlot.iife.min.js';
      s.onload = () => resolve(window.uPlot);
      s.onerror = () => { uplot = null; reject(new Error('uPlot')); };
      document.head.append(s);
    });
  }
  return uplot;
}

// ---- small pieces ----

function section(cls, heading, ...body) {
  const id = `db-${cls}`;
  return h('section', { class: `card db-${cls}`, 'aria-labelledby': id }, h('h2', { id }, heading), ...body);
}

function status(text) {
  return h('p', { class: 'status', role: 'status' }, text);
}

function problem(msg) {
  return h('p', { class: 'error', role: 'alert' }, msg);
}

/** A horizontal bar list: [{label, n}] scaled to the largest. */
function bars(items, { total, cls = '' } = {}) {
  const max = Math.max(1, ...items.map((i) => i.n));
  return h('ul', { class: `plain bars ${cls}` }, items.map((i) => {
    const bar = h('span', { class: 'bar-fill' });
    bar.style.width = `${(i.n / max) * 100}%`;
    const share = total ? ` (${Math.round((i.n / total) * 100)}%)` : '';
    return h('li', { dataset: { key: i.key || '' } },
      h('span', { class: 'bar-label' }, i.label),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
      h('span', { class: 'bar-n' }, `${i.n}${share}`));
  }));
}

function rateTile(key, r) {
  const bar = h('span');
  bar.style.width = `${r.value === null ? 0 : Math.round(r.value * 1000) / 10}%`;
  return h('div', { class: 'kpi rate', dataset: { kpi: key } },
    h('dt', {}, t(`db_rate_${key}`), h('small', {}, t(`db_hint_${key}`))),
    h('dd', {},
      h('span', { class: 'kpi-value' }, fmtRate(r.value)),
      h('span', { class: 'kpi-sub' }, r.denominator ? t('db_fraction', { n: r.numerator, d: r.denominator }) : t('db_no_rate')),
      h('span', { class: 'progress', role: 'img', 'aria-label': fmtRate(r.value) }, bar)));
}

function countTile(key, n, sub, hot) {
  return h('div', { class: `kpi count${hot ? ' hot' : ''}`, dataset: { kpi: key } },
    h('dt', {}, t(`db_${key}`), h('small', {}, sub)),
    h('dd', {}, h('span', { class: 'kpi-value' }, String(n))));
}

/** Thresholds for the map's five classes, from the largest count (1 … max). */
function classes(max) {
  const step = Math.max(1, Math.ceil(max / SCALE.length));
  return SCALE.map((color, i) => ({ color, lo: i * step + 1, hi: i === SCALE.length - 1 ? Math.max(max, (i + 1) * step) : (i + 1) * step }));
}

function colour(n, cls) {
  if (!n) return NONE;
  return (cls.find((c) => n <= c.hi) || cls[cls.length - 1]).color;
}

// ---- the page ----

export async function render(root, { query }) {
  styles('dashboard');
  const [me, streets, comms] = await Promise.all([whoami().catch(() => null), areas('street'), areas('community')]);
  const street = streets.features[0] && streets.features[0].properties;
  const communities = comms.features.map((f) => f.properties)
    .sort((a, b) => pick(a).localeCompare(pick(b), lang === 'en' ? 'en' : 'zh-CN'));
  const byId = new Map([street, ...communities].filter(Boolean).map((a) => [String(a.id), a]));

  // the view: from the link, else the last 30 days of the viewer's own community (staff) or the street
  let note = null;
  let areaKey = query.area || (me && me.role === 'community_staff' && me.scope ? String(me.scope.id) : '');
  if (areaKey && !byId.has(areaKey)) {
    note = t('db_unknown_area', { id: areaKey });
    areaKey = '';
  }
  const area = byId.get(areaKey) || street;
  const v = { area: area && area !== street ? String(area.id) : '', to: isDate(query.to) ? query.to : today() };
  v.from = isDate(query.from) ? query.from : addDays(v.to, -29);
  const isStreet = !v.area;
  const span = daysBetween(v.from, v.to) + 1;
  const interval = span > 45 ? 'week' : 'day';

  // the filters: area, period (with quick choices); the link is the state
  const areaSel = h('select', { name: 'area' },
    street ? h('option', { value: '', selected: isStreet }, t('db_street_all', { name: pick(street) })) : null,
    communities.map((c) => h('option', { value: String(c.id), selected: String(c.id) === v.area }, pick(c))));
  const fromIn = h('input', { type: 'date', name: 'from', value: v.from, max: today(), required: true });
  const toIn = h('input', { type: 'date', name: 'to', value: v.to, max: today(), required: true });
  const filters = h('form', { class: 'card db-filters', 'aria-label': t('db_filters'), novalidate: true },
    field(t('db_area'), areaSel), field(t('db_from'), fromIn), field(t('db_to'), toIn),
    h('div', { class: 'db-apply' }, h('button', { type: 'submit', class: 'primary' }, t('db_apply'))),
    h('div', { class: 'presets', role: 'group', 'aria-label': t('db_presets') },
      PRESETS.map((n) => h('button', {
        type: 'button', class: span === n && v.to === today() ? 'preset current' : 'preset',
        'aria-pressed': span === n && v.to === today() ? 'true' : 'false',
        onclick: () => go(link({ ...v, area: areaSel.value, from: addDays(today(), -(n - 1)), to: today() })),
      }, t('db_last_n', { n })))));
  areaSel.addEventListener('change', () => go(link({ ...v, area: areaSel.value })));
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(link({ area: areaSel.value, from: fromIn.value, to: toIn.value }));
  });

  const kpis = h('div', {}, status(t('loading')));
  const trend = h('div', { class: 'trend' }, status(t('loading')));
  const mapBox = h('div', { class: 'map db-mapbox' });
  const legend = h('div', { class: 'legend' });
  const breakdown = h('div', {}, status(t('loading')));
  const groups = h('div', { class: 'groups' }, status(t('loading')));
  const overdue = h('div', {}, status(t('loading')));
  const lists = h('div', {}, status(t('loading')));

  root.replaceChildren(h('div', { class: 'page-dashboard' },
    h('div', { class: 'head' },
      h('h1', {}, t('db_title'), ' ', h('span', { class: 'db-where' }, pick(area))),
      h('p', { class: 'db-period' }, t('db_period', { from: v.from, to: v.to })),
      isStreet ? null : h('p', {}, h('a', { href: `#${link({ ...v, area: '' })}` }, t('db_back_street')))),
    h('p', { class: 'lead' }, t('db_lead')),
    note ? h('p', { class: 'notice', role: 'status' }, note) : null,
    filters,
    section('kpis', t('db_kpis'), h('p', { class: 'hint' }, t('db_kpis_note')), kpis),
    h('div', { class: 'db-cols' },
      section('trend', t('db_trend_title', { by: t(`db_trend_${interval}`) }), h('p', { class: 'hint' }, t('db_trend_note')), trend),
      section('map', t('db_map'), h('p', { class: 'hint' }, t('db_map_note')), mapBox, legend)),
    section('table', t(isStreet ? 'db_table_communities' : 'db_table_grids'), breakdown),
    section('groups', t('db_groups'), groups),
    section('overdue', t('db_overdue_list'), overdue),
    section('lists', t('db_lists'), h('p', { class: 'hint' }, t('db_lists_note')), lists)));

  // The case figures: totals, the trend and every grid (the map) in one
  // request; the communities (street) or grids (community) table in another.
  const base = { from: v.from, to: v.to, area: area ? area.id : undefined };
  const figures = api('/api/v1/stats/cases', { query: { ...base, series: interval, breakdown: 'grid' } });
  const table = isStreet ? api('/api/v1/stats/cases', { query: { ...base, breakdown: 'community' } }) : figures;
  figures.catch(() => {});
  table.catch(() => {});

  const reload = () => render(root, { query });
  const shown = figures.then((s) => {
    showKpis(kpis, s);
    showGroups(groups, s);
    return s;
  }, (e) => {
    if (e.field === 'from' || e.field === 'to') showFieldError(filters, e);
    failed(kpis, e, reload);
    groups.replaceChildren(problem(t('failed', { msg: e.message })));
    throw e;
  });
  await Promise.allSettled([
    shown.then((s) => showTrend(trend, s, interval)).catch((e) => trend.replaceChildren(problem(t('db_trend_failed', { msg: e.message })))),
    shown.then((s) => showMap(mapBox, legend, s, area, isStreet, v)).catch((e) => {
      mapBox.classList.add('map-failed');
      mapBox.replaceChildren(problem(t('db_map_failed', { msg: e.message })));
    }),
    table.then((s) => showTable(breakdown, s, v), (e) => breakdown.replaceChildren(problem(t('failed', { msg: e.message })))),
    showOverdue(overdue, me, area).catch((e) => overdue.replaceChildren(problem(t('failed', { msg: e.message })))),
    api('/api/v1/stats/lists', { query: base }).then((s) => showLists(lists, s),
      (e) => lists.replaceChildren(problem(t('failed', { msg: e.message })))),
  ]);
}

function showKpis(box, s) {
  const c = s.counts;
  box.replaceChildren(h('dl', { class: 'kpis' },
    countTile('received', c.received, t('db_received_sub', c)),
    countTile('overdue_open', s.overdue_open, t('db_overdue_sub'), s.overdue_open > 0),
    RATES.map((k) => rateTile(k, s.rates[k]))));
}

function showGroups(box, s) {
  const total = s.counts.received;
  const states = Object.entries(s.by_state).filter(([, n]) => n > 0)
    .map(([k, n]) => ({ key: k, label: t(`db_state_${k}`), n }));
  const channels = Object.entries(s.by_channel).filter(([, n]) => n > 0)
    .map(([k, n]) => ({ key: k, label: t(`db_channel_${k}`), n }));
  const cats = s.by_category.map((c) => ({ key: c.code, label: pick(c) || c.code, n: c.count }));
  const group = (key, items) => h('div', { class: 'group', dataset: { group: key } },
    h('h3', {}, t(`db_by_${key}`)), items.length ? bars(items, { total }) : h('p', { class: 'muted' }, t('db_none')));
  box.replaceChildren(group('state', states), group('category', cats), group('channel', channels));
}

async function showTrend(box, s, interval) {
  const points = s.series.points;
  // x: the local midnight (UTC+8) the point starts, in seconds
  const xs = points.map((p) => Date.parse(`${p.from}T00:00:00+08:00`) / 1000);
  const received = points.map((p) => p.received);
  const resolved = points.map((p) => p.resolved);
  const label = (p) => (interval === 'week' ? t('db_week_of', { from: p.from }) : p.from);
  const table = h('details', { class: 'trend-data' }, h('summary', {}, t('db_trend_table')),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('db_date')), h('th', { scope: 'col', class: 'num' }, t('db_series_received')),
        h('th', { scope: 'col', class: 'num' }, t('db_series_resolved')))),
      h('tbody', {}, points.map((p) => h('tr', {}, h('td', {}, label(p)), h('td', { class: 'num' }, String(p.received)),
        h('td', { class: 'num' }, String(p.resolved))))))));
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-label': `${t('db_trend')}: ${t('db_series_received')} ${s.counts.received}` });
  box.replaceChildren(chartBox, table);
  const UPlot = await loadUplot();
  const width = () => Math.max(260, chartBox.clientWidth || box.clientWidth || 320);
  const fmt = (u, splits) => splits.map((x) => {
    const d = new Date(x * 1000 + 8 * 3600000).toISOString().slice(0, 10);
    return shortDate(d);
  });
  const chart = new UPlot({
    width: width(),
    height: 220,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    series: [
      { label: t('db_date'), value: (u, x) => (x === null ? '—' : new Date(x * 1000 + 8 * 3600000).toISOString().slice(0, 10)) },
      { label: t('db_series_received'), stroke: '#b71c1c', width: 2, fill: 'rgba(183, 28, 28, 0.08)', points: { show: points.length <= 60 } },
      { label: t('db_series_resolved'), stroke: '#1a7f37', width: 2, points: { show: points.length <= 60 } },
    ],
    axes: [
      { values: fmt, stroke: '#57606a', grid: { stroke: '#eaeef2' } },
      { stroke: '#57606a', grid: { stroke: '#eaeef2' }, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
    ],
  }, [xs, received, resolved], chartBox);
  // follow the layout (a phone turned, a window resized) while on the page
  const ro = new ResizeObserver(() => {
    if (!chartBox.isConnected) {
      ro.disconnect();
      chart.destroy();
      return;
    }
    chart.setSize({ width: width(), height: 220 });
  });
  ro.observe(box);
}

async function showMap(mapBox, legend, s, area, isStreet, v) {
  const grids = await areas('grid');
  const counts = new Map(s.by_area.map((a) => [a.id, a]));
  const max = Math.max(0, ...s.by_area.map((a) => a.counts.received));
  const cls = classes(max);
  const mine = { ...grids, features: grids.features.filter((f) => counts.has(f.properties.id)) };
  const { L, map } = await streetMap(mapBox, {
    detail: false,
    onAreaClick: (f) => go(link({ ...v, area: String(f.properties.id) })),
  });
  const layer = L.geoJSON(mine, {
    style: (f) => ({
      color: '#6d4c41', weight: 1, fillOpacity: 0.78,
      fillColor: colour(counts.get(f.properties.id).counts.received, cls),
    }),
    onEachFeature: (f, l) => {
      const a = counts.get(f.properties.id);
      l.bindTooltip(`${pick(f.properties)}：${t('db_cases_n', { n: a.counts.received })}`, { sticky: true });
      if (isStreet) l.on('click', () => go(link({ ...v, area: String(f.properties.parent_id) })));
    },
  }).addTo(map);
  // the communities' borders over the colours
  const comms = await areas('community');
  L.geoJSON(comms, { style: { color: '#7f0000', weight: 2, fill: false }, interactive: false }).addTo(map);
  if (!isStreet && mine.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  mapBox.dataset.grids = String(mine.features.length);
  const items = [h('li', {}, h('span', { class: 'swatch', dataset: { n: '0' } }), '0')];
  for (const c of (max ? cls : [])) {
    if (c.lo > max) break;
    const sw = h('span', { class: 'swatch' });
    sw.style.background = c.color;
    items.push(h('li', {}, sw, c.lo === Math.min(c.hi, max) ? String(c.lo) : `${c.lo}–${Math.min(c.hi, max)}`));
  }
  const zero = items[0].firstChild;
  zero.style.background = NONE;
  legend.replaceChildren(h('p', { class: 'legend-title', id: 'db-legend' }, t('db_legend')),
    h('ul', { class: 'plain legend-items', 'aria-labelledby': 'db-legend' }, items));
}

function showTable(box, s, v) {
  const rows = [...s.by_area].sort((a, b) => b.counts.received - a.counts.received || a.code.localeCompare(b.code));
  const isCommunity = rows.length && rows[0].kind === 'community';
  box.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'league' },
    h('caption', {}, t('db_table_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('db_col_area')),
      h('th', { scope: 'col', class: 'num' }, t('db_col_received')),
      TABLE_RATES.map((k) => h('th', { scope: 'col', class: 'num' }, t(`db_rate_${k}`))),
      h('th', { scope: 'col', class: 'num' }, t('db_col_overdue')))),
    h('tbody', {}, rows.map((a) => h('tr', { dataset: { code: a.code } },
      h('th', { scope: 'row' }, isCommunity ? h('a', { href: `#${link({ ...v, area: String(a.id) })}` }, pick(a)) : pick(a)),
      h('td', { class: 'num' }, String(a.counts.received)),
      TABLE_RATES.map((k) => h('td', { class: 'num', title: a.rates[k].denominator ? t('db_fraction', { n: a.rates[k].numerator, d: a.rates[k].denominator }) : '' },
        fmtRate(a.rates[k].value))),
      h('td', { class: `num${a.overdue_open ? ' hot' : ''}` }, String(a.overdue_open))))))));
}

/** The overdue cases: the viewer's queue (staff with an area scope), else the public list. */
async function showOverdue(box, me, area) {
  const scopes = { street_admin: 'street', community_staff: 'community', grid_worker: 'grid' };
  const scope = me && me.scope && me.scope.kind === 'area' ? scopes[me.role] : undefined;
  let answer = null;
  let staff = false;
  if (scope) {
    // the chosen area when it is the viewer's own or inside it (the street's admins: any), else their own
    const inside = me.role === 'street_admin' || String(me.scope.id) === String(area && area.id);
    try {
      answer = await api('/api/v1/cases', { query: { scope, overdue: 'true', limit: 20, area: inside && area ? area.id : undefined } });
      staff = true;
    } catch (e) {
      if (e.status !== 403) throw e;
    }
  }
  if (!answer) answer = await api('/api/v1/cases', { query: { overdue: 'true', limit: 20, area: area ? area.id : undefined } });
  const items = answer.items || [];
  box.replaceChildren(...[
    h('p', { class: 'hint' }, t(staff ? 'db_overdue_note_staff' : 'db_overdue_note_public')),
    items.length
      ? h('ul', { class: 'plain overdue-list' }, items.map((c) => h('li', { class: 'overdue-item' },
        h('a', { href: staff ? `#/case/${c.id}` : `#/cases?id=${c.id}` },
          h('span', { class: 'ov-top' },
            h('strong', {}, pick({ zh: c.service_name, en: c.service_name_en })),
            countdown(c.due_at)),
          h('span', { class: 'ov-desc' }, c.description),
          h('span', { class: 'ov-meta' },
            [c.community && c.community.name, c.grid && c.grid.name].filter(Boolean).join(' · '), ' · ',
            h('span', { class: 'badge open' }, pick({ zh: c.state_name, en: c.state_name_en }) || c.state))))))
      : h('p', { class: 'muted empty' }, t('db_overdue_none')),
    items.length ? h('p', { class: 'ov-total' }, t('db_overdue_total', { n: answer.total }),
      staff ? [' · ', h('a', { href: '#/work?queue=overdue' }, t('db_overdue_more'))] : null) : null,
  ].filter(Boolean)); // (replaceChildren would show a null as the text "null")
}

function showLists(box, s) {
  const tile = (key, n) => h('div', { class: 'kpi count', dataset: { kpi: key } },
    h('dt', {}, t(`db_${key}`)), h('dd', {}, h('span', { class: 'kpi-value' }, String(n ?? 0))));
  const statusBars = (obj, prefix) => {
    const items = Object.entries(obj || {}).filter(([, n]) => n > 0).map(([k, n]) => ({ key: k, label: t(`${prefix}${k}`), n }));
    return items.length ? bars(items) : h('p', { class: 'muted' }, t('db_none'));
  };
  const units = [...(s.by_unit || [])]
    .filter((u) => u.resources_offered || u.commitments || u.delivered || u.claims)
    .sort((a, b) => b.delivered - a.delivered || b.commitments - a.commitments || b.resources_offered - a.resources_offered)
    .slice(0, 12);
  box.replaceChildren(
    h('dl', { class: 'kpis lists-kpis' },
      tile('needs_raised', s.needs.raised), tile('needs_met', s.needs.met), tile('resources_offered', s.resources.offered),
      tile('delivered', s.resources.delivered), tile('projects_started', s.projects.started), tile('projects_done', s.projects.done)),
    h('div', { class: 'groups' },
      h('div', { class: 'group', dataset: { group: 'needs' } }, h('h3', {}, t('db_needs_by_status')), statusBars(s.needs.by_status, 'db_need_')),
      h('div', { class: 'group', dataset: { group: 'projects' } }, h('h3', {}, t('db_projects_by_status')), statusBars(s.projects.by_status, 'db_project_'))),
    h('h3', {}, t('db_by_unit')),
    units.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'units' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('db_unit')),
          ['offered', 'commitments', 'delivered', 'claims'].map((k) => h('th', { scope: 'col', class: 'num' }, t(`db_unit_${k}`))))),
        h('tbody', {}, units.map((u) => h('tr', {}, h('th', { scope: 'row' }, u.org.name),
          h('td', { class: 'num' }, String(u.resources_offered)), h('td', { class: 'num' }, String(u.commitments)),
          h('td', { class: 'num' }, String(u.delivered)), h('td', { class: 'num' }, String(u.claims)))))))
      : h('p', { class: 'muted' }, t('db_units_none')));
}
