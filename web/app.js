// The landing page: the street's big-committee network at a glance and
// "whose area is this point?", from the public API. Chinese first.
const texts = {
  zh: { title: '同心 · 社区共治平台', network: '街道“大党委”网络', loading: '加载中…', community: '社区', grids: '网格',
        compounds: '小区', branches: '小区党支部', units: '成员单位', ptm: '兼职委员', whose: '这是谁的责任区？',
        lat: '纬度', long: '经度', find: '查询', communities: '社区', failed: '加载失败：', other: 'English',
        outside: '不在本街道范围内', inside: '在小区红线内', public: '在小区红线外（公共区域）' },
  en: { title: 'tongxin · community co-governance', network: "The street's big-committee network", loading: 'Loading…',
        community: 'Community', grids: 'Grids', compounds: 'Compounds', branches: 'Compound branches',
        units: 'Member units', ptm: 'Part-time members', whose: 'Whose area is this?', lat: 'Latitude',
        long: 'Longitude', find: 'Find', communities: 'Communities', failed: 'Could not load: ', other: '中文',
        outside: 'outside the street', inside: "inside a compound's red line", public: "outside any compound's red line (public space)" },
};
let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh';
const t = (k) => texts[lang][k];

function applyTexts() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.getElementById('lang').textContent = t('other');
}

async function getJSON(url) {
  const res = await fetch(url, { headers: { 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = String(text);
  row.appendChild(td);
}

async function loadNetwork() {
  const status = document.getElementById('status');
  try {
    const net = await getJSON('/api/v1/network');
    const totals = document.getElementById('totals');
    totals.replaceChildren();
    for (const [key, value] of [['communities', net.totals.communities], ['ptm', net.totals.part_time_members],
                                ['branches', net.totals.compound_party_branches], ['units', net.totals.member_units],
                                ['grids', net.totals.grids], ['compounds', net.totals.compounds]]) {
      const div = document.createElement('div');
      const dt = document.createElement('dt');
      dt.dataset.i18n = key;
      dt.textContent = t(key);
      const dd = document.createElement('dd');
      dd.textContent = String(value);
      div.append(dt, dd);
      totals.appendChild(div);
    }
    const tbody = document.querySelector('#communities tbody');
    tbody.replaceChildren();
    for (const c of net.communities) {
      const tr = document.createElement('tr');
      cell(tr, lang === 'en' && c.name_en ? c.name_en : c.name);
      for (const k of ['grids', 'compounds', 'compound_party_branches', 'member_units', 'part_time_members']) cell(tr, c.counts[k]);
      tbody.appendChild(tr);
    }
    totals.hidden = false;
    document.getElementById('communities').hidden = false;
    status.textContent = '';
  } catch (e) {
    status.textContent = t('failed') + e.message;
    status.className = 'error';
  }
}

async function locate(ev) {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const out = document.getElementById('where');
  try {
    const r = await getJSON(`/api/v1/locate?lat=${encodeURIComponent(form.get('lat'))}&long=${encodeURIComponent(form.get('long'))}`);
    const names = r.areas.map((a) => a.name).join(' › ');
    out.className = '';
    out.textContent = r.inside_street ? `${names} — ${r.inside_red_line ? t('inside') : t('public')}` : (r.message || t('outside'));
  } catch (e) {
    out.className = 'error';
    out.textContent = e.message;
  }
}

document.getElementById('lang').addEventListener('click', () => {
  lang = lang === 'en' ? 'zh' : 'en';
  localStorage.setItem('lang', lang);
  applyTexts();
  loadNetwork();
});
document.getElementById('locate').addEventListener('submit', locate);
applyTexts();
loadNetwork();
