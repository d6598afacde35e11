// network: the street's big party committee (大党委) network.
//  '#/network'       the street at a glance: the article's figures (20
//                    communities, 86 part-time members, 112 compound party
//                    branches on the demo street), the communities on the map
//                    and in a sortable table, the organisations by kind;
//  '#/network/CODE'  one community's 大党委: its party organisation and
//                    cadres, its member units by type with what each offers
//                    to the lists (资源清单) and its track record, the
//                    part-time members (names are public as office holders;
//                    the API never gives their phones), grid workers, the
//                    "支部 + 社团 + 阵地" of its compounds and the
//                    "小区党支部 + 业委会 + 物业" of each compound.
// Both take ?as_of=YYYY-MM-DD: the network on another day (memberships are
// dated).
import { addTexts, api, ApiError, h, lang, pick, showFieldError, styles, t } from '../core.js';
import { areas, streetMap } from '../map.js';

addTexts({
  zh: {
    net_title: '大党委网络', net_heading: '{street}“大党委”网络', net_heading_plain: '“大党委”网络',
    net_lead: '以社区党组织为核心，吸纳辖区机关、企事业单位、“两新”组织、物业小区等党组织负责人担任社区“大党委”兼职委员，共建共治共享。',
    net_communities: '个社区', net_ptm: '名兼职委员', net_branches: '个小区党支部', net_units: '家成员单位',
    net_grids: '个网格', net_compounds: '个小区', net_cadres: '名“两委”干部', net_grid_workers: '名网格员', net_as_of_label: '查看某一天的网络', net_as_of_go: '查看', net_as_of_today: '回到今天',
    net_as_of_note: '成员任职有起止日期，网络按 {date} 计算。',
    net_map: '社区分布', net_map_hint: '颜色越深，小区党支部越多。点击社区查看其“大党委”；表格中列出同样的内容。',
    net_map_failed: '地图暂时无法加载：{msg}',
    net_table: '各社区“大党委”', net_sort: '排序', net_sort_by: '按{col}', net_sort_asc: '升序', net_sort_desc: '降序',
    net_total: '合计', net_lists: '三张清单',
    net_col_community: '社区', net_col_ptm: '兼职委员', net_col_units: '成员单位', net_col_branches: '小区党支部', net_col_cadres: '两委干部',
    net_col_grid_workers: '网格员', net_col_grids: '网格', net_col_compounds: '小区', net_col_venues: '阵地', net_col_population: '常住人口',
    net_orgs: '组织一览', net_orgs_hint: '全街道登记在册的组织，按类别统计。',
    net_kind_street_party_committee: '街道党工委', net_kind_community_party_committee: '社区党委',
    net_kind_community_general_branch: '社区党总支', net_kind_community_branch: '社区党支部',
    net_kind_compound_party_branch: '小区党支部', net_kind_owners_committee: '业主委员会', net_kind_property_company: '物业公司',
    net_kind_member_unit: '成员单位', net_kind_district_department: '区直部门', net_kind_association: '社团',
    net_kind_volunteer_team: '志愿者服务队', net_kind_womens_federation: '妇女联合会', net_kind_venue: '党群服务阵地',
    net_ut_government_organ: '机关', net_ut_public_institution: '事业单位', net_ut_enterprise: '企业',
    net_ut_new_economic_organisation: '新经济组织', net_ut_new_social_organisation: '新社会组织', net_ut_other: '其他',
    net_role_secretary: '书记', net_role_deputy_secretary: '副书记', net_role_cadre: '“两委”干部',
    net_back: '全街道网络', net_no_community: '没有编码为 {code} 的社区。',
    net_community_heading: '{name}“大党委”', net_pop_resident: '常住人口 {n}', net_pop_registered: '户籍人口 {n}',
    net_households: '{n} 户', net_founded: '成立于 {d}', net_source: '数据说明：{notes}',
    net_party: '社区党组织', net_cadres_h: '“两委”干部', net_since: '{d} 起',
    net_ptm_h: '兼职委员', net_ptm_hint: '成员单位的党组织负责人担任社区“大党委”兼职委员。',
    net_gw_h: '网格员', net_units_h: '成员单位', net_units_hint: '按单位类型分组；“资源”是该单位在资源清单中提供的资源。',
    net_unit_rep: '兼职委员：{names}', net_unit_offers: '提供的资源', net_unit_no_offers: '尚未在资源清单中提供资源',
    net_unit_record: '认领 {claims} 次 · 承诺 {commitments} 次 · 兑现 {delivered} 次',
    net_remaining: '剩余 {n}', net_offers_failed: '资源清单暂时无法加载：{msg}',
    net_model: '支部 + 社团 + 阵地', net_model_hint: '支部建在小区，社团活跃在小区，阵地密布在小区。',
    net_branches_h: '小区党支部', net_clubs_h: '社团与队伍', net_venues_h: '阵地',
    net_liaison: '小区党支部 + 业委会 + 物业', net_liaison_summary: '{n} 个小区的联系制度',
    net_col_compound: '小区', net_col_branch: '小区党支部', net_col_committee: '业委会', net_col_property: '物业公司',
    net_property_h: '物业公司', net_none: '—', net_at: '位于{place}',
    net_cmap: '位置', net_cmap_hint: '蓝色为设有小区党支部（深色）、业委会或阵地的小区红线。',
  },
  en: {
    net_title: 'Party committee network', net_heading: '{street}: the big party committee network',
    net_heading_plain: 'The big party committee network',
    net_lead: "Each community's party organisation draws in the party leaders of government organs, institutions, companies, new economic and social organisations and compounds as part-time members of its big party committee, to build, govern and share together.",
    net_communities: 'communities', net_ptm: 'part-time committee members', net_branches: 'compound party branches',
    net_units: 'member units', net_grids: 'grids', net_compounds: 'compounds', net_cadres: 'community cadres',
    net_grid_workers: 'grid workers', net_as_of_label: 'See the network on another day', net_as_of_go: 'Show',
    net_as_of_today: 'Back to today', net_as_of_note: 'Memberships are dated; the network is counted on {date}.',
    net_map: 'The communities', net_map_hint: 'The darker, the more compound party branches. Click a community to see its big committee; the table lists the same.',
    net_map_failed: 'The map cannot be shown right now: {msg}',
    net_table: "Each community's big committee", net_sort: 'Sort', net_sort_by: 'by {col}', net_sort_asc: 'ascending',
    net_sort_desc: 'descending', net_total: 'Total', net_lists: 'Three lists',
    net_col_community: 'Community', net_col_ptm: 'Part-time members', net_col_units: 'Member units', net_col_branches: 'Compound branches',
    net_col_cadres: 'Cadres', net_col_grid_workers: 'Grid workers', net_col_grids: 'Grids', net_col_compounds: 'Compounds',
    net_col_venues: 'Venues', net_col_population: 'Residents',
    net_orgs: 'Organisations', net_orgs_hint: "The street's registered organisations, by kind.",
    net_kind_street_party_committee: 'Street party working committee', net_kind_community_party_committee: 'Community party committee',
    net_kind_community_general_branch: 'Community party general branch', net_kind_community_branch: 'Community party branch',
    net_kind_compound_party_branch: 'Compound party branches', net_kind_owners_committee: "Owners' committees",
    net_kind_property_company: 'Property companies', net_kind_member_unit: 'Member units',
    net_kind_district_department: 'District departments', net_kind_association: 'Clubs and associations',
    net_kind_volunteer_team: 'Volunteer teams', net_kind_womens_federation: "Women's federations", net_kind_venue: 'Venues and stations',
    net_ut_government_organ: 'Government organs', net_ut_public_institution: 'Public institutions', net_ut_enterprise: 'Enterprises',
    net_ut_new_economic_organisation: 'New economic organisations', net_ut_new_social_organisation: 'New social organisations',
    net_ut_other: 'Other',
    net_role_secretary: 'Secretary', net_role_deputy_secretary: 'Deputy secretary', net_role_cadre: 'Community cadre',
    net_back: 'The whole street', net_no_community: 'There is no community with the code {code}.',
    net_community_heading: "{name}: the big party committee", net_pop_resident: '{n} residents',
    net_pop_registered: '{n} registered', net_households: '{n} households', net_founded: 'founded {d}',
    net_source: 'About the data: {notes}',
    net_party: 'Party organisation', net_cadres_h: 'Community cadres', net_since: 'since {d}',
    net_ptm_h: 'Part-time committee members',
    net_ptm_hint: "Party leaders of member units serve as part-time members of the community's big committee.",
    net_gw_h: 'Grid workers', net_units_h: 'Member units',
    net_units_hint: 'Grouped by type; "offers" are the resources the unit puts on the resources list.',
    net_unit_rep: 'Part-time member: {names}', net_unit_offers: 'Offers', net_unit_no_offers: 'Nothing on the resources list yet',
    net_unit_record: 'claimed {claims} · committed {commitments} · delivered {delivered}',
    net_remaining: '{n} left', net_offers_failed: 'The resources list cannot be shown right now: {msg}',
    net_model: 'Branches + clubs + venues', net_model_hint: 'Branches in the compounds, clubs active in the compounds, venues throughout the compounds.',
    net_branches_h: 'Compound party branches', net_clubs_h: 'Clubs and teams', net_venues_h: 'Venues',
    net_liaison: "Compound branch + owners' committee + property company",
    net_liaison_summary: 'The liaison of {n} compounds',
    net_col_compound: 'Compound', net_col_branch: 'Party branch', net_col_committee: "Owners' committee",
    net_col_property: 'Property company', net_property_h: 'Property companies', net_none: '—', net_at: 'at {place}',
    net_cmap: 'Where it is', net_cmap_hint: 'In blue, the red lines of the compounds with a party branch (darker), an owners\' committee or a venue.',
  },
});

export const title = 'net_title';

const UNIT_TYPES = ['government_organ', 'public_institution', 'enterprise', 'new_economic_organisation', 'new_social_organisation'];
const ORG_KINDS = ['community_party_committee', 'community_general_branch', 'community_branch', 'member_unit',
  'compound_party_branch', 'owners_committee', 'property_company', 'association', 'volunteer_team', 'womens_federation', 'venue'];

const locale = () => (lang === 'en' ? 'en-GB' : 'zh-CN');
const num = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString(locale(), { maximumFractionDigits: 2 }));
const joined = (names) => names.join(lang === 'en' ? ', ' : '、');
const unitType = (ut) => t(UNIT_TYPES.includes(ut) ? `net_ut_${ut}` : 'net_ut_other');
const KNOWN_KINDS = [...ORG_KINDS, 'street_party_committee', 'district_department'];
const kindLabel = (k) => (KNOWN_KINDS.includes(k) ? t(`net_kind_${k}`) : k);

export async function render(root, { params, query }) {
  styles('network');
  // core's router decodes an unmatched group to the string 'undefined'
  const code = params[0] && params[0] !== 'undefined' ? params[0] : null;
  if (code) await community(root, code, query);
  else await overview(root, query);
}

/** The as_of form: a date, "show" and (when a day is chosen) "back to today". */
function asOfForm(base, asOf, chosen) {
  const input = h('input', { type: 'date', name: 'as_of', value: asOf || '' });
  const form = h('form', { class: 'as-of', role: 'search' },
    h('div', { class: 'field', dataset: { field: 'as_of' } }, h('label', { for: 'net-as-of' }, t('net_as_of_label')), input),
    h('div', { class: 'go' }, h('button', { type: 'submit' }, t('net_as_of_go')),
      chosen ? h('a', { class: 'btn', href: `#${base}` }, t('net_as_of_today')) : null));
  input.id = 'net-as-of';
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    window.location.hash = input.value ? `#${base}?as_of=${encodeURIComponent(input.value)}` : `#${base}`;
  });
  return form;
}

/** Loads something whose failure may be the as_of parameter: the error goes next to the date field. */
async function load(root, base, query, fn) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError && e.field === 'as_of') {
      const form = asOfForm(base, query.as_of, true);
      root.replaceChildren(h('h1', {}, t('net_title')), h('section', { class: 'card' }, form));
      showFieldError(form, e);
      return null;
    }
    throw e;
  }
}

// ---- the street overview ----------------------------------------------------

const COLS = [
  { key: 'name', label: 'net_col_community', get: (c) => pick(c), text: true },
  { key: 'part_time_members', label: 'net_col_ptm', get: (c) => c.counts.part_time_members },
  { key: 'member_units', label: 'net_col_units', get: (c) => c.counts.member_units },
  { key: 'compound_party_branches', label: 'net_col_branches', get: (c) => c.counts.compound_party_branches },
  // minor: left out of the phone's cards unless the table is sorted by it
  { key: 'cadres', label: 'net_col_cadres', get: (c) => c.counts.cadres, minor: true },
  { key: 'grid_workers', label: 'net_col_grid_workers', get: (c) => c.counts.grid_workers, minor: true },
  { key: 'grids', label: 'net_col_grids', get: (c) => c.counts.grids, minor: true },
  { key: 'compounds', label: 'net_col_compounds', get: (c) => c.counts.compounds, minor: true },
  { key: 'venues', label: 'net_col_venues', get: (c) => (c.counts.organisations || {}).venue || 0, minor: true },
  { key: 'population_resident', label: 'net_col_population', get: (c) => c.population_resident, minor: true },
];

async function overview(root, query) {
  const net = await load(root, '/network', query, () => api('/api/v1/network', { query: { as_of: query.as_of } }));
  if (!net) return;
  // the heading names the street(s) whose communities these are
  let streetName = null;
  try {
    const [streets, comms] = await Promise.all([api('/api/v1/areas', { query: { kind: 'street', geometry: 0 } }), areas('community')]);
    const parents = new Set(comms.features.map((f) => f.properties.parent_code));
    const named = streets.features.filter((f) => parents.has(f.properties.code)).map((f) => pick(f.properties));
    if (named.length) streetName = joined(named);
  } catch { /* the heading does without the street's name */ }
  const T = net.totals;
  const figure = (n, key, cls) => h('div', { class: cls || null }, h('dt', {}, num(n)), h('dd', {}, t(key)));

  const mapBox = h('div', { class: 'map', id: 'net-map', role: 'region', 'aria-label': t('net_map') });
  const mapNote = h('p', { class: 'hint' }, t('net_map_hint'));
  const table = communityTable(net, query);
  const orgs = T.organisations || {};
  const orgKinds = Object.keys(orgs).sort((a, b) => ORG_KINDS.indexOf(a) - ORG_KINDS.indexOf(b));

  root.replaceChildren(
    h('section', { class: 'net-head' },
      h('h1', {}, streetName ? t('net_heading', { street: streetName }) : t('net_heading_plain')),
      h('p', { class: 'lead' }, t('net_lead'))),
    h('section', { class: 'card', 'aria-labelledby': 'net-figures-h' },
      h('h2', { id: 'net-figures-h', class: 'sr-only' }, t('net_title')),
      h('dl', { class: 'figures net-figures' },
        figure(T.communities, 'net_communities'), figure(T.part_time_members, 'net_ptm'),
        figure(T.compound_party_branches, 'net_branches'), figure(T.member_units, 'net_units')),
      h('dl', { class: 'figures minor' },
        figure(T.grids, 'net_grids'), figure(T.compounds, 'net_compounds'),
        figure(T.cadres, 'net_cadres'), figure(T.grid_workers, 'net_grid_workers')),
      h('p', { class: 'hint' }, t('net_as_of_note', { date: net.as_of })),
      asOfForm('/network', query.as_of, !!query.as_of)),
    h('div', { class: 'net-cols' },
      h('section', { class: 'card', 'aria-labelledby': 'net-table-h' }, h('h2', { id: 'net-table-h' }, t('net_table')), table),
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'net-map-h' }, h('h2', { id: 'net-map-h' }, t('net_map')), mapBox, mapNote),
        h('section', { class: 'card', 'aria-labelledby': 'net-orgs-h' },
          h('h2', { id: 'net-orgs-h' }, t('net_orgs')), h('p', { class: 'hint' }, t('net_orgs_hint')),
          h('ul', { class: 'plain org-kinds' },
            ...orgKinds.map((k) => h('li', {}, h('span', { class: 'n' }, num(orgs[k])), ' ', kindLabel(k))))))),
  );
  drawStreetMap(mapBox, mapNote, net);
}

/** The sortable table of the communities (cards on a phone: each cell carries its column's label). */
function communityTable(net, query) {
  let sortKey = COLS.some((c) => c.key === query.sort) ? query.sort : 'part_time_members';
  let dir = query.dir === 'asc' ? 'asc' : (query.dir === 'desc' ? 'desc' : (sortKey === 'name' ? 'asc' : 'desc'));
  const tbody = h('tbody');
  const headRow = h('tr');
  const cellClass = (k) => ['num', k.minor ? 'minor' : '', k.key === sortKey ? 'sorted' : ''].filter(Boolean).join(' ');
  const select = h('select', { name: 'sort' });
  let foot;
  const wrap = h('div', {});

  const rows = () => {
    const col = COLS.find((c) => c.key === sortKey);
    const sorted = [...net.communities].sort((a, b) => {
      const x = col.get(a); const y = col.get(b);
      const d = col.text ? String(x).localeCompare(String(y), locale()) : (x ?? -1) - (y ?? -1);
      return (dir === 'asc' ? d : -d) || a.code.localeCompare(b.code);
    });
    tbody.replaceChildren(...sorted.map((c) => h('tr', { dataset: { code: c.code } },
      h('th', { scope: 'row', class: 'name' },
        h('a', { href: `#/network/${c.code}` }, pick(c)),
        ' ', h('a', { class: 'lists-link', href: `#/lists/${c.code}` }, t('net_lists'))),
      ...COLS.slice(1).map((k) => h('td', { class: cellClass(k), dataset: { label: t(k.label), col: k.key } }, num(k.get(c))))),
    ));
    for (const td of foot.querySelectorAll('td')) td.className = cellClass(COLS.find((k) => k.key === td.dataset.col));
    for (const th of headRow.querySelectorAll('th[data-col]')) {
      const on = th.dataset.col === sortKey;
      th.setAttribute('aria-sort', on ? (dir === 'asc' ? 'ascending' : 'descending') : 'none');
      th.querySelector('.arrow').textContent = on ? (dir === 'asc' ? '▲' : '▼') : '';
    }
    select.value = `${sortKey}:${dir}`;
  };
  const sortBy = (key, d) => {
    if (d) dir = d;
    else if (key === sortKey) dir = dir === 'asc' ? 'desc' : 'asc';
    else dir = key === 'name' ? 'asc' : 'desc';
    sortKey = key;
    rows();
    // the order survives a reload or the language switch, without a new history entry
    const [path, qs] = window.location.hash.split('?');
    const q = new URLSearchParams(qs || '');
    q.set('sort', sortKey);
    q.set('dir', dir);
    history.replaceState(null, '', `${path}?${q}`);
  };

  headRow.append(...COLS.map((c) => h('th', { scope: 'col', class: c.text ? null : 'num', dataset: { col: c.key } },
    h('button', { type: 'button', class: 'sort', onclick: () => sortBy(c.key) }, t(c.label), h('span', { class: 'arrow', 'aria-hidden': 'true' })))));
  for (const c of COLS) {
    for (const d of c.text ? ['asc', 'desc'] : ['desc', 'asc']) {
      const how = t(d === 'asc' ? 'net_sort_asc' : 'net_sort_desc');
      const text = `${t('net_sort_by', { col: t(c.label) })}${lang === 'en' ? ` (${how})` : `（${how}）`}`;
      select.append(h('option', { value: `${c.key}:${d}` }, text));
    }
  }
  select.addEventListener('change', () => { const [k, d] = select.value.split(':'); sortBy(k, d); });
  select.id = 'net-sort';

  const T = net.totals;
  const pop = net.communities.reduce((s, c) => s + (c.population_resident || 0), 0);
  const totals = {
    part_time_members: T.part_time_members, member_units: T.member_units, compound_party_branches: T.compound_party_branches,
    cadres: T.cadres, grid_workers: T.grid_workers, grids: T.grids, compounds: T.compounds,
    venues: (T.organisations || {}).venue || 0, population_resident: pop,
  };
  foot = h('tfoot', {}, h('tr', {},
    h('th', { scope: 'row' }, t('net_total')),
    ...COLS.slice(1).map((k) => h('td', { class: 'num', dataset: { label: t(k.label), col: k.key } }, num(totals[k.key])))));
  wrap.append(
    h('div', { class: 'field sort-field' }, h('label', { for: 'net-sort' }, t('net_sort')), select),
    h('div', { class: 'table-wrap' }, h('table', { class: 'net-table' }, h('thead', {}, headRow), tbody, foot)));
  rows();
  return wrap;
}

async function drawStreetMap(box, note, net) {
  try {
    const { layers } = await streetMap(box, {
      detail: false,
      onAreaClick: (f) => { window.location.hash = `#/network/${f.properties.code}`; },
    });
    const byCode = new Map(net.communities.map((c) => [c.code, c]));
    const most = Math.max(1, ...net.communities.map((c) => c.counts.compound_party_branches));
    layers.community?.eachLayer((layer) => {
      const c = byCode.get(layer.feature.properties.code);
      if (c) {
        // the darker, the more compound party branches
        layer.setStyle({ fillColor: '#b71c1c', fillOpacity: 0.06 + 0.5 * (c.counts.compound_party_branches / most) });
        layer.setTooltipContent(`${pick(c)} · ${t('net_col_ptm')} ${c.counts.part_time_members} · ${t('net_col_branches')} ${c.counts.compound_party_branches}`);
      }
    });
  } catch (e) {
    box.replaceWith(h('p', { class: 'error', role: 'alert' }, t('net_map_failed', { msg: e.message })));
    note.remove();
  }
}

// ---- one community ------------------------------------------------------------

async function community(root, code, query) {
  const base = `/network/${code}`;
  const all = await areas('community');
  const feature = all.features.find((f) => f.properties.code === code);
  if (!feature) {
    root.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/network' }, t('net_back'))),
      h('p', { class: 'notice', role: 'alert' }, t('net_no_community', { code })));
    return;
  }
  const area = feature.properties;
  const [net, extra] = await Promise.all([
    load(root, base, query, () => api('/api/v1/network', { query: { community: area.id, as_of: query.as_of } })),
    // what the member units offer and their record: the lists, not the network; the page works without them
    Promise.all([
      api('/api/v1/resources', { query: { community: code, limit: 1000 } }),
      api('/api/v1/stats/lists', { query: { area: code } }),
      api('/api/v1/organisations', { query: { kind: 'property_company', area: area.id, limit: 1000 } }),
    ]).catch((e) => ({ error: e })),
  ]);
  if (!net) return;
  const name = pick(area);
  document.title = `${t('net_community_heading', { name })} · ${t('brand')}`;
  const C = net.counts;
  const figure = (n, key) => h('div', {}, h('dt', {}, num(n)), h('dd', {}, t(key)));

  const facts = [
    area.population_resident != null ? t('net_pop_resident', { n: num(area.population_resident) }) : null,
    area.population_registered != null ? t('net_pop_registered', { n: num(area.population_registered) }) : null,
    area.households != null ? t('net_households', { n: num(area.households) }) : null,
    area.founded ? t('net_founded', { d: area.founded }) : null,
  ].filter(Boolean);

  const mapBox = h('div', { class: 'map community-map' });

  root.replaceChildren(
    h('nav', { class: 'crumbs', 'aria-label': t('net_title') },
      h('a', { href: '#/network' }, t('net_back')), ' › ', h('span', { 'aria-current': 'page' }, name)),
    h('section', { class: 'net-head' },
      h('h1', {}, t('net_community_heading', { name })),
      h('p', { class: 'facts' }, facts.join(' · ')),
      area.notes ? h('p', { class: 'hint source' }, t('net_source', { notes: area.notes })) : null,
      h('p', { class: 'actions' }, h('a', { class: 'btn primary', href: `#/lists/${code}` }, t('net_lists')))),
    h('section', { class: 'card' },
      h('dl', { class: 'figures net-figures' },
        figure(C.part_time_members, 'net_ptm'), figure(C.member_units, 'net_units'),
        figure(C.compound_party_branches, 'net_branches'), figure(C.cadres, 'net_cadres')),
      h('p', { class: 'hint' }, t('net_as_of_note', { date: net.as_of })),
      asOfForm(base, query.as_of, !!query.as_of)),
    // a phone reads them in this order; a desktop puts the member units on the left, the people on the right
    h('div', { class: 'net-cols community-cols' },
      partySection(net),
      peopleSection('net-ptm-h', t('net_ptm_h'), t('net_ptm_hint'), net.part_time_members,
        (p) => [h('span', { class: 'who' }, p.name), ' ', h('span', { class: 'muted' }, `${p.represents ? p.represents.name : ''}`)], 'ptm'),
      unitsSection(net, extra),
      peopleSection('net-gw-h', t('net_gw_h'), null, net.grid_workers, (p) => [h('span', { class: 'who' }, p.name)], 'gw')),
    modelSection(net),
    liaisonSection(net, extra),
    h('section', { class: 'card', 'aria-labelledby': 'net-cmap-h' },
      h('h2', { id: 'net-cmap-h' }, t('net_cmap')), mapBox, h('p', { class: 'hint' }, t('net_cmap_hint'))),
  );
  drawCommunityMap(mapBox, code, net);
}

function partySection(net) {
  return h('section', { class: 'card party', 'aria-labelledby': 'net-party-h' },
    h('h2', { id: 'net-party-h' }, t('net_party')),
    h('ul', { class: 'plain' }, ...net.party_organisations.map((o) => h('li', { class: 'party-org' }, o.name, ' ',
      h('span', { class: 'badge' }, kindLabel(o.kind))))),
    h('h3', {}, t('net_cadres_h'), ' ', h('span', { class: 'muted' }, `(${net.cadres.length})`)),
    net.cadres.length
      ? h('ul', { class: 'plain people' }, ...net.cadres.map((p) => h('li', {},
        h('span', { class: 'who' }, p.name), ' ',
        ...p.roles.filter((r) => r !== 'cadre' || p.roles.length === 1).map((r) => h('span', { class: 'badge role' }, t(`net_role_${r}`))),
        ' ', h('span', { class: 'muted since' }, t('net_since', { d: p.since })))))
      : h('p', { class: 'muted' }, t('no_items')));
}

function peopleSection(id, heading, hint, list, line, cls) {
  return h('section', { class: `card ${cls}`, 'aria-labelledby': id },
    h('h2', { id }, heading, ' ', h('span', { class: 'muted' }, `(${list.length})`)),
    hint ? h('p', { class: 'hint' }, hint) : null,
    list.length
      ? h('ul', { class: 'plain people' }, ...list.map((p) => h('li', {}, ...line(p), ' ',
        h('span', { class: 'muted since' }, t('net_since', { d: p.since })))))
      : h('p', { class: 'muted' }, t('no_items')));
}

/** The member units by type, each with its part-time member(s), what it offers and its record. */
function unitsSection(net, extra) {
  const resources = extra.error ? null : extra[0].items;
  const record = new Map(extra.error ? [] : extra[1].by_unit.map((u) => [u.org.id, u]));
  const reps = new Map();
  for (const p of net.part_time_members) {
    if (!p.represents) continue;
    if (!reps.has(p.represents.id)) reps.set(p.represents.id, []);
    reps.get(p.represents.id).push(p.name);
  }
  const order = (ut) => (UNIT_TYPES.includes(ut) ? UNIT_TYPES.indexOf(ut) : UNIT_TYPES.length);
  const types = Object.keys(net.member_units).sort((a, b) => order(a) - order(b));
  const unitCard = (u) => {
    const offers = resources ? resources.filter((r) => r.org && r.org.id === u.id && r.status !== 'withdrawn') : [];
    const rec = record.get(u.id);
    return h('li', { class: 'unit', dataset: { code: u.code } },
      h('h4', {}, u.name),
      reps.has(u.id) ? h('p', { class: 'rep' }, t('net_unit_rep', { names: joined(reps.get(u.id)) })) : null,
      resources === null ? null
        : offers.length
          ? h('div', {}, h('p', { class: 'offers-h' }, t('net_unit_offers')),
            h('ul', { class: 'offers' }, ...offers.map((r) => h('li', {},
              h('a', { href: `#/lists/${r.community.code}` }, r.title), ' ',
              h('span', { class: 'muted' }, `${num(r.quantity)} ${r.quantity_unit || ''} · ${t('net_remaining', { n: `${num(r.remaining)} ${r.quantity_unit || ''}`.trim() })}`)))))
          : h('p', { class: 'muted' }, t('net_unit_no_offers')),
      rec ? h('p', { class: 'record' }, t('net_unit_record', rec)) : null);
  };
  return h('section', { class: 'card units', 'aria-labelledby': 'net-units-h' },
    h('h2', { id: 'net-units-h' }, t('net_units_h'), ' ', h('span', { class: 'muted' }, `(${net.counts.member_units})`)),
    h('p', { class: 'hint' }, t('net_units_hint')),
    extra.error ? h('p', { class: 'error', role: 'alert' }, t('net_offers_failed', { msg: extra.error.message })) : null,
    types.length
      ? types.map((ut) => h('section', { class: 'unit-type', dataset: { type: ut } },
        h('h3', {}, unitType(ut), ' ', h('span', { class: 'muted' }, `(${net.member_units[ut].length})`)),
        h('ul', { class: 'plain unit-list' }, ...net.member_units[ut].map(unitCard))))
      : h('p', { class: 'muted' }, t('no_items')));
}

const placeOf = (o) => (o.area && o.area.kind !== 'community' ? o.area.name : null);

/** 支部 + 社团 + 阵地: the compound branches, the clubs and teams, the venues. */
function modelSection(net) {
  const list = (items) => (items.length
    ? h('ul', { class: items.length > 8 ? 'plain orgs chips' : 'plain orgs' }, ...items.map((o) => h('li', {}, o.name,
      placeOf(o) && !o.name.startsWith(placeOf(o)) ? h('span', { class: 'muted' }, ` · ${t('net_at', { place: placeOf(o) })}`) : null,
      o.kind_label ? h('span', { class: 'badge' }, o.kind_label) : null)))
    : h('p', { class: 'muted' }, t('no_items')));
  const clubs = [
    ...net.associations.map((o) => ({ ...o, kind_label: t('net_kind_association') })),
    ...net.volunteer_teams.map((o) => ({ ...o, kind_label: t('net_kind_volunteer_team') })),
    ...net.womens_federations.map((o) => ({ ...o, kind_label: t('net_kind_womens_federation') })),
  ];
  return h('section', { class: 'card', 'aria-labelledby': 'net-model-h' },
    h('h2', { id: 'net-model-h' }, t('net_model')),
    h('p', { class: 'hint' }, t('net_model_hint')),
    h('div', { class: 'model' },
      h('section', {}, h('h3', {}, t('net_branches_h'), ' ', h('span', { class: 'muted' }, `(${net.compound_party_branches.length})`)),
        list(net.compound_party_branches)),
      h('section', {}, h('h3', {}, t('net_clubs_h'), ' ', h('span', { class: 'muted' }, `(${clubs.length})`)), list(clubs)),
      h('section', {}, h('h3', {}, t('net_venues_h'), ' ', h('span', { class: 'muted' }, `(${net.venues.length})`)), list(net.venues))));
}

/** 小区党支部 + 业委会 + 物业: each compound with its branch, owners' committee and property company. */
function liaisonSection(net, extra) {
  const companies = extra.error ? [] : extra[2].items;
  const rows = new Map();
  const row = (area) => {
    if (!rows.has(area.code)) rows.set(area.code, { area, branch: [], committee: [], property: [] });
    return rows.get(area.code);
  };
  for (const b of net.compound_party_branches) if (b.area && b.area.kind === 'compound') row(b.area).branch.push(b.name);
  for (const c of net.owners_committees) if (c.area && c.area.kind === 'compound') row(c.area).committee.push(c.name);
  for (const p of companies) for (const m of p.manages || []) if (rows.has(m)) rows.get(m).property.push(p.name);
  const sorted = [...rows.values()].sort((a, b) => a.area.code.localeCompare(b.area.code));
  const cell = (names, label) => h('td', { dataset: { label } }, names.length ? joined(names) : t('net_none'));
  const props = extra.error ? net.property_companies : companies;
  const details = h('details', { open: sorted.length <= 8 },
    h('summary', {}, t('net_liaison_summary', { n: sorted.length })),
    h('div', { class: 'table-wrap' }, h('table', { class: 'liaison' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('net_col_compound')), h('th', { scope: 'col' }, t('net_col_branch')),
        h('th', { scope: 'col' }, t('net_col_committee')), h('th', { scope: 'col' }, t('net_col_property')))),
      h('tbody', {}, ...sorted.map((r) => h('tr', {},
        h('th', { scope: 'row' }, r.area.name),
        cell(r.branch, t('net_col_branch')), cell(r.committee, t('net_col_committee')), cell(r.property, t('net_col_property'))))))));
  return h('section', { class: 'card', 'aria-labelledby': 'net-liaison-h' },
    h('h2', { id: 'net-liaison-h' }, t('net_liaison')),
    sorted.length ? details : h('p', { class: 'muted' }, t('no_items')),
    h('details', { class: 'property', open: props.length <= 8 },
      h('summary', {}, t('net_property_h'), ' ', h('span', { class: 'muted' }, `(${props.length})`)),
      props.length ? h('ul', { class: props.length > 8 ? 'plain orgs chips' : 'plain orgs' }, ...props.map((p) => h('li', {}, p.name)))
        : h('p', { class: 'muted' }, t('no_items'))));
}

/** The community on the street map, with the red lines of its compounds that have a branch, a committee or a venue. */
async function drawCommunityMap(box, code, net) {
  try {
    const { L, layers, map } = await streetMap(box, {
      detail: false,
      onAreaClick: (f) => { if (f.properties.code !== code) window.location.hash = `#/network/${f.properties.code}`; },
    });
    layers.community?.eachLayer((layer) => {
      if (layer.feature.properties.code === code) {
        layer.setStyle({ weight: 3, fillOpacity: 0.08 });
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      }
    });
    const orgsAt = new Map();
    for (const o of [...net.compound_party_branches, ...net.owners_committees, ...net.venues]) {
      if (!o.area || o.area.kind !== 'compound') continue;
      if (!orgsAt.has(o.area.id)) orgsAt.set(o.area.id, []);
      orgsAt.get(o.area.id).push(o.name);
    }
    if (orgsAt.size) {
      const compounds = await areas('compound');
      const branchAt = new Set(net.compound_party_branches.map((b) => b.area && b.area.id));
      L.geoJSON({ type: 'FeatureCollection', features: compounds.features.filter((f) => orgsAt.has(f.properties.id)) }, {
        style: (f) => ({ color: '#1565c0', weight: 1.5, fillOpacity: branchAt.has(f.properties.id) ? 0.35 : 0.1 }),
        onEachFeature: (f, layer) => layer.bindTooltip(`${f.properties.name}${lang === 'en' ? ': ' : '：'}${joined(orgsAt.get(f.properties.id))}`, { sticky: true }),
      }).addTo(map);
    }
  } catch (e) {
    box.replaceWith(h('p', { class: 'error', role: 'alert' }, t('net_map_failed', { msg: e.message })));
  }
}

