// public-cases: what residents have reported in the street and how it is
// going, for everyone — a map and a list, filterable by community,
// category and state (the filters live in the link, so a filtered list can
// be shared), and one case's public page (#/cases?id=12: where it stands,
// why it went where it did, the public timeline). The API leaves out all
// personal data and spam; nothing here adds any.
import { addTexts, api, field, fmtDate, go, h, pick, styles, t } from '../core.js';
import { areas, streetMap } from '../map.js';
import { handlerText, progressCard, reportCard, stateBadge, timelineList } from './track.js';

addTexts({
  zh: {
    pc_title: '身边事', pc_lead: '街道内群众反映的问题和办理情况。这里不显示反映人的任何个人信息。',
    pc_community: '社区', pc_all_communities: '全部社区', pc_category: '类别', pc_all_categories: '全部类别',
    pc_status: '状态', pc_status_all: '全部', pc_status_open: '办理中', pc_status_awaiting_rating: '已办结待评价',
    pc_status_closed: '已结案', pc_q: '搜索', pc_q_ph: '描述或地址中的文字', pc_reset: '清除筛选', pc_count: '共 {n} 条',
    pc_none: '没有符合条件的反映。', pc_back: '返回列表', pc_report: '我要反映', pc_map_hint: '点击地图上的社区，只看这个社区的反映。',
    pc_map_failed: '地图无法加载（{msg}），列表不受影响。', pc_filters: '筛选', pc_list: '反映列表', pc_case_title: '诉求 #{id}',
  },
  en: {
    pc_title: 'Cases in the street', pc_lead: 'What residents have reported in the street and how it is being handled. Nothing here identifies who reported it.',
    pc_community: 'Community', pc_all_communities: 'All communities', pc_category: 'Category', pc_all_categories: 'All categories',
    pc_status: 'State', pc_status_all: 'All', pc_status_open: 'Being handled', pc_status_awaiting_rating: 'Resolved, awaiting rating',
    pc_status_closed: 'Closed', pc_q: 'Search', pc_q_ph: 'Words in the description or address', pc_reset: 'Clear the filters',
    pc_count: '{n} in all', pc_none: 'No reports match.', pc_back: 'Back to the list', pc_report: 'Report a problem',
    pc_map_hint: 'Click a community on the map to see its reports only.', pc_map_failed: 'The map cannot be shown ({msg}); the list still works.',
    pc_filters: 'Filters', pc_list: 'Reports', pc_case_title: 'Report #{id}',
  },
});

export const title = 'pc_title';

const PAGE = 20;
const STATUSES = ['all', 'open', 'awaiting_rating', 'closed'];
let lastList = '#/cases'; // the filtered list a case page goes back to

export async function render(root, { query }) {
  styles('track');
  styles('public-cases');
  if (query.id) return detail(root, query.id);

  const [cats, comms] = await Promise.all([api('/api/v1/categories'), areas('community')]);
  const f = {
    community: query.community || '', category: query.category || '',
    status: STATUSES.includes(query.status) ? query.status : 'all', q: query.q || '',
    page: Math.max(1, parseInt(query.page, 10) || 1),
  };

  const commSel = h('select', { name: 'community' }, h('option', { value: '' }, t('pc_all_communities')),
    comms.features.map((x) => x.properties)
      .sort((a, b) => pick(a).localeCompare(pick(b), 'zh-CN'))
      .map((p) => h('option', { value: String(p.id), selected: String(p.id) === f.community }, pick(p))));
  const groups = new Map();
  for (const c of cats.items) {
    const g = pick({ zh: c.group, en: c.group_en });
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(c);
  }
  const catSel = h('select', { name: 'category' }, h('option', { value: '' }, t('pc_all_categories')),
    [...groups].map(([g, list]) => h('optgroup', { label: g },
      list.map((c) => h('option', { value: c.code, selected: c.code === f.category }, pick(c))))));
  const statusSel = h('select', { name: 'status' },
    STATUSES.map((s) => h('option', { value: s, selected: s === f.status }, t(`pc_status_${s}`))));
  const qIn = h('input', { type: 'search', name: 'q', value: f.q, placeholder: t('pc_q_ph') });
  const reset = h('button', { type: 'button', class: 'link' }, t('pc_reset'));
  const filters = h('form', { class: 'card filters', role: 'search', 'aria-label': t('pc_filters') },
    field(t('pc_community'), commSel), field(t('pc_category'), catSel), field(t('pc_status'), statusSel),
    field(t('pc_q'), qIn), h('div', { class: 'filter-end' }, reset));

  const mapBox = h('div', { class: 'map cases-map' });
  const count = h('p', { class: 'count', role: 'status' });
  const list = h('ul', { class: 'plain case-list' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('pc_list') });
  root.replaceChildren(h('div', { class: 'page-cases' },
    h('div', { class: 'head' }, h('h1', {}, t('pc_title')), h('a', { class: 'btn primary', href: '#/report' }, t('pc_report'))),
    h('p', { class: 'lead' }, t('pc_lead')),
    filters,
    h('div', { class: 'split' },
      h('section', { class: 'list-side', 'aria-label': t('pc_list') }, count, list, pager),
      h('div', { class: 'map-side' }, mapBox, h('p', { class: 'hint' }, t('pc_map_hint'))))));

  let m = null;
  let markers = null;
  let seq = 0;
  let shown = [];

  function sync() {
    const q = new URLSearchParams();
    for (const k of ['community', 'category', 'q']) if (f[k]) q.set(k, f[k]);
    if (f.status !== 'all') q.set('status', f.status);
    if (f.page > 1) q.set('page', f.page);
    const s = q.toString();
    lastList = `#/cases${s ? `?${s}` : ''}`;
    history.replaceState(null, '', lastList);
  }

  async function load() {
    sync();
    const my = ++seq;
    list.setAttribute('aria-busy', 'true');
    count.textContent = t('loading');
    let r;
    try {
      r = await api('/api/v1/cases', {
        query: {
          area: f.community, category: f.category, q: f.q.trim(),
          status: f.status === 'open' || f.status === 'awaiting_rating' ? f.status : undefined,
          state: f.status === 'closed' ? 'closed' : undefined,
          limit: PAGE, offset: (f.page - 1) * PAGE,
        },
      });
    } catch (e) {
      if (my !== seq) return;
      list.removeAttribute('aria-busy');
      count.textContent = '';
      list.replaceChildren(h('li', { class: 'error', role: 'alert' }, t('failed', { msg: e.message }),
        ' ', h('button', { type: 'button', onclick: load }, t('retry'))));
      pager.replaceChildren();
      return;
    }
    if (my !== seq) return;
    list.removeAttribute('aria-busy');
    count.textContent = t('pc_count', { n: r.total });
    list.replaceChildren(...(r.items.length ? r.items.map(item) : [h('li', { class: 'empty' }, t('pc_none'))]));
    const pages = Math.max(1, Math.ceil(r.total / PAGE));
    pager.replaceChildren(
      h('button', { type: 'button', disabled: f.page <= 1, onclick: () => { f.page--; load(); } }, t('prev')),
      h('span', {}, t('page_of', { page: `${f.page}/${pages}`, total: r.total })),
      h('button', { type: 'button', disabled: f.page >= pages, onclick: () => { f.page++; load(); } }, t('next')));
    shown = r.items;
    drawMarkers(shown);
  }

  function item(c) {
    const where = [c.community, c.grid].filter(Boolean).map((a) => a.name).join(' › ');
    return h('li', { class: 'case-item', dataset: { id: c.id } },
      h('a', { href: `#/cases?id=${c.id}` },
        h('span', { class: 'case-top' }, h('strong', {}, `#${c.id} ${pick({ zh: c.service_name, en: c.service_name_en })}`),
          stateBadge(c.state)),
        h('span', { class: 'case-desc' }, c.description),
        h('span', { class: 'case-meta' }, [where, fmtDate(c.submitted_at), handlerText(c.handler)].filter(Boolean).join(' · '))));
  }

  function drawMarkers(items) {
    if (!m) return;
    if (markers) markers.remove();
    markers = m.L.layerGroup(items.filter((c) => c.lat !== null && c.long !== null).map((c) => {
      const done = ['resolved', 'closed'].includes(c.state);
      return m.L.circleMarker([c.lat, c.long], {
        radius: 7, weight: 2, color: '#fff', fillColor: done ? '#1a7f37' : '#bf8700', fillOpacity: 0.95, className: 'case-dot',
      }).bindTooltip(`#${c.id} ${pick({ zh: c.service_name, en: c.service_name_en })}`)
        .on('click', () => go(`/cases?id=${c.id}`));
    })).addTo(m.map);
  }

  function focusCommunity() {
    if (!m) return;
    // Leaflet drops a view asked for while it animates a zoom (a quick second filter, a wheel zoom)
    if (m.map._animatingZoom) return m.map.once('zoomend', focusCommunity);
    const layer = f.community && m.layers.community.getLayers().find((l) => String(l.feature.properties.id) === f.community);
    return m.map.fitBounds((layer || m.layers.street).getBounds(), { padding: [8, 8], animate: false });
  }

  const apply = () => {
    f.community = commSel.value;
    f.category = catSel.value;
    f.status = statusSel.value;
    f.q = qIn.value;
    f.page = 1;
    load();
  };
  for (const sel of [commSel, catSel, statusSel]) sel.addEventListener('change', () => { apply(); if (sel === commSel) focusCommunity(); });
  let qTimer;
  qIn.addEventListener('input', () => { clearTimeout(qTimer); qTimer = setTimeout(apply, 300); });
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); clearTimeout(qTimer); apply(); });
  reset.addEventListener('click', () => {
    commSel.value = catSel.value = qIn.value = '';
    statusSel.value = 'all';
    apply();
    focusCommunity();
  });

  load();
  try {
    m = await streetMap(mapBox, {
      detail: false,
      onAreaClick: (feat) => {
        commSel.value = String(feat.properties.id);
        apply();
        focusCommunity();
      },
    });
    focusCommunity();
    drawMarkers(shown);
  } catch (e) {
    mapBox.classList.add('map-failed');
    mapBox.replaceChildren(h('p', { class: 'error' }, t('pc_map_failed', { msg: e.message })));
  }
}

async function detail(root, id) {
  const c = await api(`/api/v1/cases/${encodeURIComponent(id)}`);
  let cat = null;
  try {
    cat = await api(`/api/v1/categories/${encodeURIComponent(c.service_code)}`);
  } catch { /* answers show as codes */ }
  document.title = `${t('pc_case_title', { id: c.id })} · ${t('brand')}`;
  root.replaceChildren(h('div', { class: 'page-cases case-view' },
    h('p', { class: 'back' }, h('a', { href: lastList }, `← ${t('pc_back')}`)),
    h('div', { class: 'head' },
      h('h1', {}, t('pc_case_title', { id: c.id }), ' ', h('span', { class: 'cat' }, pick({ zh: c.service_name, en: c.service_name_en })))),
    c.merged_into ? h('p', {}, h('a', { href: `#/cases?id=${c.merged_into}` }, `#${c.merged_into}`)) : null,
    h('div', { class: 'cols' },
      h('div', {}, progressCard(c), timelineList(c, false)),
      h('div', {}, reportCard(c, cat, null)))));
}
