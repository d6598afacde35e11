// home: the front door. A resident's two errands first (report a problem,
// follow one), then the street's big-committee network in three figures
// (20 communities, 86 part-time members, 112 compound party branches on the
// demo street, as the source article gives them) and where to read more.
import { addTexts, api, go, h, t } from '../core.js';

addTexts({
  zh: {
    home_lead: '身边的问题，说给社区听：知道归谁管，跟进到办结，办得好不好由您评价。',
    home_report: '我要反映问题', home_cases: '看看身边事', home_track: '查询进度',
    home_track_label: '查询码或跟踪链接', home_track_go: '查询', home_track_bad: '请粘贴反映成功后给您的跟踪链接。',
    home_network: '街道“大党委”', home_communities: '个社区', home_ptm: '名社区“大党委”兼职委员',
    home_branches: '个小区党支部', home_units: '家成员单位', home_more: '查看网络详情',
  },
  en: {
    home_lead: 'Tell your community what needs fixing: it knows whose job it is, follows it to the end, and you rate the result.',
    home_report: 'Report a problem', home_cases: 'Cases near you', home_track: 'Follow a report',
    home_track_label: 'Tracking link', home_track_go: 'Open', home_track_bad: 'Paste the tracking link you were given after reporting.',
    home_network: "The street's big party committee", home_communities: 'communities',
    home_ptm: 'part-time committee members', home_branches: 'compound party branches', home_units: 'member units',
    home_more: 'See the network',
  },
});

/** '#/track/12?token=…' or the whole link → the hash path, or null. */
export function trackPath(text) {
  const m = /#?\/?track\/(\d+)\?token=([A-Za-z0-9_-]+)/.exec(text.trim());
  return m ? `/track/${m[1]}?token=${m[2]}` : null;
}

export async function render(root) {
  const link = h('input', { name: 'track', autocomplete: 'off', placeholder: '…#/track/123?token=…' });
  const track = h('form', { class: 'inline' },
    h('label', { for: 'home-track' }, t('home_track_label')), link, h('button', { type: 'submit' }, t('home_track_go')));
  link.id = 'home-track';
  track.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = trackPath(link.value);
    track.querySelector('.field-error')?.remove();
    if (p) go(p);
    else track.append(h('p', { class: 'field-error', role: 'alert' }, t('home_track_bad')));
  });
  const figures = h('dl', { class: 'figures' });
  root.replaceChildren(
    h('section', { class: 'hero' },
      h('h1', {}, t('title')),
      h('p', { class: 'lead' }, t('home_lead')),
      h('p', { class: 'actions' },
        h('a', { class: 'btn primary', href: '#/report' }, t('home_report')),
        h('a', { class: 'btn', href: '#/cases' }, t('home_cases')))),
    h('section', { class: 'card' }, h('h2', {}, t('home_track')), track),
    h('section', { class: 'card' }, h('h2', {}, t('home_network')), figures,
      h('p', {}, h('a', { href: '#/network' }, t('home_more')))),
  );
  try {
    const net = await api('/api/v1/network');
    figures.replaceChildren(
      ...[[net.totals.communities, 'home_communities'], [net.totals.part_time_members, 'home_ptm'],
        [net.totals.compound_party_branches, 'home_branches'], [net.totals.member_units, 'home_units']]
        .map(([n, k]) => h('div', {}, h('dt', {}, String(n)), h('dd', {}, t(k)))),
    );
  } catch (e) {
    figures.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('failed', { msg: e.message })));
  }
}
