// report: a resident reports a problem, no account needed. Four steps on
// one page — what (a category, grouped and searchable, with its Open311
// questions), where (a pin on the street map, "use my location", latitude
// and longitude typed in, or a compound from a searchable list: the map is
// never the only way), what you see (description, photos) and how to reach
// you — and beside them, before anything is sent, where the report will go
// and why (GET /api/v1/route) with open reports of the same kind nearby
// ("same problem?"). Sending creates the case, uploads the photos with its
// tracking token and opens the tracking page, whose link is the reporter's
// key. A draft survives switching language or looking at a nearby case.
import { addTexts, api, countdown, failed, field, fmtTime, go, h, lang, pick, styles, t } from '../core.js';
import { areas, streetMap } from '../map.js';

addTexts({
  zh: {
    rp_title: '我要反映',
    rp_lead: '说清楚是什么问题、在哪里，反映会按责任送到该管的人手里，并告诉您为什么。无需登录。',
    rp_step_cat: '1. 什么问题', rp_cat_search: '搜索类别', rp_cat_search_ph: '如：污水、路灯、噪音',
    rp_cat_none: '没有匹配的类别，可以选择“其他”。', rp_cat_required: '请选择问题类型',
    rp_step_place: '2. 在哪里', rp_map_hint: '点击地图标出位置，可拖动标记微调；放大后可看到网格和小区红线。',
    rp_use_location: '使用我的位置', rp_locating: '正在定位…', rp_geo_failed: '无法获取您的位置：{msg}',
    rp_geo_unsupported: '此浏览器不能定位', rp_pin_centre: '标在地图中心', rp_pin_clear: '清除标记', rp_pin: '问题位置',
    rp_no_point: '尚未标出位置。', rp_point: '已标出 {lat}, {long}', rp_inside: '在{name}红线内',
    rp_outside: '在小区红线外（公共区域）', rp_latlong: '输入经纬度（不用地图）', rp_lat: '纬度', rp_long: '经度',
    rp_latlong_apply: '标出此位置', rp_latlong_bad: '纬度须在 -90 到 90 之间，经度须在 -180 到 180 之间',
    rp_latlong_pair: '请同时填写纬度和经度',
    rp_map_failed: '地图无法加载（{msg}）。请输入经纬度或选择小区。', rp_map_label: '街道地图：点击标出问题位置',
    rp_compound: '小区（可选）',
    rp_compound_hint: '未标点时，视为在该小区红线内；已标点时，说明问题与哪个小区有关（如在小区外墙边）。',
    rp_compound_ph: '输入小区名称搜索', rp_compound_clear: '清除所选小区', rp_compound_none: '没有找到这个小区',
    rp_compound_near: '{grid}的小区', rp_compound_more: '还有 {n} 个，请输入更多文字',
    rp_compound_pick: '请从列表中选择小区，或清空此栏', rp_compound_loading: '正在加载小区…',
    rp_address: '详细位置描述（可选）', rp_address_ph: '如：2栋后面的污水井',
    rp_place_required: '请给出位置：在地图上标出、选择小区或填写位置描述',
    rp_step_detail: '3. 具体情况', rp_desc: '问题描述', rp_desc_ph: '发生了什么、持续多久、影响到谁',
    rp_desc_required: '请描述问题', rp_too_long: '最多 {n} 个字', rp_photos: '照片（可选，最多 6 张）',
    rp_photos_hint: 'JPEG、PNG 或 WebP，每张不超过 8 MB。照片只给反映人和办理人员看。',
    rp_photo_type: '{name}：只能上传 JPEG、PNG 或 WebP 图片', rp_photo_size: '{name}：超过 8 MB',
    rp_photo_count: '最多 6 张照片，多出的没有加入', rp_photo_remove: '移除 {name}',
    rp_opt: '（可选）', rp_attr_required: '请填写“{name}”', rp_attr_number: '“{name}”须是数字', rp_choose: '请选择…',
    rp_step_contact: '4. 怎么联系您（可选）',
    rp_contact_hint: '只有负责办理的工作人员能看到您的称呼和电话，不会公开。',
    rp_name: '称呼', rp_phone: '手机号码', rp_email: '电子邮箱',
    rp_phone_bad: '电话号码只能包含数字、+、- 和空格（3 到 20 位）', rp_email_bad: '请输入有效的电子邮箱地址',
    rp_contact_ok: '可以打电话向我了解情况', rp_remember: '在本机记住这条反映，方便以后查看进度',
    rp_preview: '将送往哪里', rp_preview_wait: '选好问题类型并给出位置后，这里会显示由谁办理、为什么。',
    rp_preview_address: '只有位置描述的反映，先由街道办分拣，再派给负责的人。', rp_preview_loading: '正在查询…',
    rp_place: '位置', rp_handler: '办理', rp_owner: '负责', rp_why: '为什么', rp_due_accept: '受理时限',
    rp_due_resolve: '办结时限', rp_tier_grid: '网格', rp_tier_community: '社区', rp_tier_street: '街道',
    rp_owner_tier: '{name}（{tier}层级）',
    rp_nearby: '是同一个问题吗？',
    rp_nearby_hint: '附近已有同类问题正在办理。如果是同一个问题，可以直接查看进度，不必重复反映。',
    rp_metres: '{n} 米', rp_view_case: '查看 #{id}',
    rp_submit: '提交反映', rp_sending: '正在提交…', rp_uploading: '正在上传照片 {i}/{n}…',
    rp_fix: '还有 {n} 处需要修改，已在对应位置标出。', rp_after: '提交后您会得到一个跟踪链接，凭它查看进度和评价。',
    rp_sent_photos_failed: '反映已提交（编号 {id}），但有照片没有上传成功：', rp_retry_photos: '重新上传',
    rp_go_track: '查看办理进度', rp_mine: '本机上的反映（{n}）', rp_forget: '从本机移除',
  },
  en: {
    rp_title: 'Report a problem',
    rp_lead: 'Say what is wrong and where: the report goes to whoever is responsible for that place, and you see why. No account needed.',
    rp_step_cat: '1. What is the problem', rp_cat_search: 'Search categories', rp_cat_search_ph: 'e.g. sewage, street light, noise',
    rp_cat_none: 'No category matches; you can choose “Other”.', rp_cat_required: 'Choose what kind of problem it is',
    rp_step_place: '2. Where is it', rp_map_hint: 'Click the map to place the pin, drag it to adjust; zoom in to see grids and compound red lines.',
    rp_use_location: 'Use my location', rp_locating: 'Finding you…', rp_geo_failed: 'Your location is not available: {msg}',
    rp_geo_unsupported: 'This browser cannot tell its location', rp_pin_centre: 'Pin the map centre', rp_pin_clear: 'Remove the pin',
    rp_pin: 'Problem location', rp_no_point: 'No pin yet.', rp_point: 'Pinned at {lat}, {long}',
    rp_inside: 'inside the red line of {name}', rp_outside: 'outside every compound (public space)',
    rp_latlong: 'Enter latitude and longitude (without the map)', rp_lat: 'Latitude', rp_long: 'Longitude',
    rp_latlong_apply: 'Pin this point', rp_latlong_bad: 'Latitude must be from -90 to 90 and longitude from -180 to 180',
    rp_latlong_pair: 'Give both latitude and longitude',
    rp_map_failed: 'The map cannot be shown ({msg}). Enter latitude and longitude, or choose a compound.',
    rp_map_label: 'Street map: click to pin the problem',
    rp_compound: 'Compound (optional)',
    rp_compound_hint: 'Without a pin the report is taken to be inside this compound; with a pin, it says which compound the problem concerns (say, by its outer wall).',
    rp_compound_ph: "Type a compound's name", rp_compound_clear: 'Clear the compound', rp_compound_none: 'No compound by that name',
    rp_compound_near: 'Compounds in {grid}', rp_compound_more: '{n} more: type more of the name',
    rp_compound_pick: 'Choose a compound from the list, or clear the field', rp_compound_loading: 'Loading compounds…',
    rp_address: 'Where exactly (optional)', rp_address_ph: 'e.g. the manhole behind building 2',
    rp_place_required: 'Give a place: pin it on the map, choose a compound or describe where',
    rp_step_detail: '3. What you see', rp_desc: 'Description', rp_desc_ph: 'What is wrong, since when, who is affected',
    rp_desc_required: 'Describe the problem', rp_too_long: 'at most {n} characters', rp_photos: 'Photos (optional, up to 6)',
    rp_photos_hint: 'JPEG, PNG or WebP, at most 8 MB each. Only you and the staff handling it see them.',
    rp_photo_type: '{name}: only JPEG, PNG or WebP pictures', rp_photo_size: '{name}: larger than 8 MB',
    rp_photo_count: 'At most 6 photos; the others were not added', rp_photo_remove: 'Remove {name}',
    rp_opt: '(optional)', rp_attr_required: 'Fill in “{name}”', rp_attr_number: '“{name}” must be a number', rp_choose: 'Choose…',
    rp_step_contact: '4. How to reach you (optional)',
    rp_contact_hint: 'Only the staff handling it see your name and phone; they are never made public.',
    rp_name: 'Name', rp_phone: 'Mobile phone', rp_email: 'Email',
    rp_phone_bad: 'A phone number has 3 to 20 digits, +, - and spaces only', rp_email_bad: 'Enter a valid email address',
    rp_contact_ok: 'Staff may call me about it', rp_remember: 'Remember this report on this device so I can follow it later',
    rp_preview: 'Where it will go', rp_preview_wait: 'Choose the kind of problem and give the place to see who will handle it and why.',
    rp_preview_address: 'A report with only a description of the place goes to the street office first, which passes it on.',
    rp_preview_loading: 'Looking it up…',
    rp_place: 'Place', rp_handler: 'Handled by', rp_owner: 'Responsible', rp_why: 'Why', rp_due_accept: 'Accepted by',
    rp_due_resolve: 'Resolved by', rp_tier_grid: 'grid', rp_tier_community: 'community', rp_tier_street: 'street',
    rp_owner_tier: '{name} ({tier} tier)',
    rp_nearby: 'Same problem?',
    rp_nearby_hint: 'Reports of this kind nearby are being handled. If it is the same problem, follow it instead of reporting it again.',
    rp_metres: '{n} m', rp_view_case: 'See #{id}',
    rp_submit: 'Send the report', rp_sending: 'Sending…', rp_uploading: 'Uploading photo {i} of {n}…',
    rp_fix: '{n} fields need changing; they are marked.', rp_after: 'You get a tracking link: it shows the progress and lets you rate the result.',
    rp_sent_photos_failed: 'The report was sent (number {id}) but some photos were not uploaded:', rp_retry_photos: 'Upload again',
    rp_go_track: 'Follow the report', rp_mine: 'Reports from this device ({n})', rp_forget: 'Forget',
  },
});

export const title = 'rp_title';

// The server's limits (src/api/cases.c, src/io/photos.c), checked here first.
const MAX = { description: 4000, address: 300, name: 60, phone: 32, email: 120 };
const PHOTO_MAX = 8 * 1024 * 1024;
const PHOTOS = 6;
const MINE = 'tongxin.reports';

// The draft lives as long as the page module: switching language or looking
// at a nearby case and coming back keeps what was entered (never stored).
let draft = fresh();
function fresh() {
  return {
    code: '', attrs: {}, lat: null, long: null, compound: null, compoundAuto: false, address: '',
    description: '', photos: [], name: '', phone: '', email: '', contactOk: true, remember: true,
  };
}

/** "问题类型 / What is wrong": the catalogue's two-language texts, in the current language. */
function bi(s) {
  const i = (s || '').indexOf(' / ');
  if (i < 0) return s || '';
  return lang === 'en' ? s.slice(i + 3) : s.slice(0, i);
}

const chars = (s) => [...s].length;
const blank = (s) => !s.replace(/[\s\u00a0\u3000]/g, '');
const round6 = (x) => Math.round(x * 1e6) / 1e6;

/** The reports this device remembers: [{id, token, at, name}]. */
export function mine() {
  try {
    const l = JSON.parse(localStorage.getItem(MINE) || '[]');
    return Array.isArray(l) ? l : [];
  } catch {
    return [];
  }
}
function saveMine(list) {
  localStorage.setItem(MINE, JSON.stringify(list.slice(0, 20)));
}

/** The type of a picture by its first bytes, as the server decides it (or null). */
async function sniff(file) {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const at = (i, s) => [...s].every((c, k) => b[i + k] === c.charCodeAt(0));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && at(1, 'PNG\r\n\x1a\n')) return 'image/png';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'image/webp';
  return null;
}

export async function render(root) {
  styles('report');
  let cats;
  try {
    cats = (await api('/api/v1/categories')).items;
  } catch (e) {
    failed(root, e, () => render(root));
    return;
  }
  const byCode = new Map(cats.map((c) => [c.code, c]));
  if (draft.code && !byCode.has(draft.code)) draft.code = '';

  // ---- 1. the category ----
  const catQuery = h('input', { type: 'search', name: 'cat_q', placeholder: t('rp_cat_search_ph'), autocomplete: 'off' });
  const groups = new Map();
  for (const c of cats) {
    const g = pick({ zh: c.group, en: c.group_en });
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(c);
  }
  const tiles = [];
  const catGroups = [...groups].map(([g, list]) => {
    const box = h('div', { class: 'cat-group' }, h('h3', {}, g),
      h('div', { class: 'cat-tiles' }, list.map((c) => {
        const radio = h('input', { type: 'radio', name: 'service_code', value: c.code, checked: c.code === draft.code });
        const tile = h('label', { class: 'cat-tile', title: pick({ zh: c.description, en: c.description_en }) },
          radio, h('span', {}, pick(c)));
        tile.search = [c.name, c.name_en, c.group, c.group_en, c.description, c.description_en, c.keywords, c.code]
          .join(' ').toLowerCase();
        tiles.push(tile);
        return tile;
      })));
    return box;
  });
  const catNone = h('p', { class: 'hint', hidden: true }, t('rp_cat_none'));
  const catDesc = h('p', { class: 'hint cat-desc', 'aria-live': 'polite' });
  const attrBox = h('div', { class: 'attrs' });
  const catErr = h('div', { class: 'err-slot' });
  const catSet = h('fieldset', { class: 'step' },
    h('legend', {}, t('rp_step_cat')),
    field(t('rp_cat_search'), catQuery), ...catGroups, catNone, catErr, catDesc, attrBox);
  let matches = tiles;
  catQuery.addEventListener('input', () => {
    const words = catQuery.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    matches = tiles.filter((tile) => words.every((w) => tile.search.includes(w)));
    // the chosen one stays in sight whatever is searched
    for (const tile of tiles) tile.hidden = !matches.includes(tile) && !tile.querySelector('input').checked;
    for (const g of catGroups) g.hidden = ![...g.querySelectorAll('.cat-tile')].some((x) => !x.hidden);
    catNone.hidden = matches.length > 0;
  });
  catQuery.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault(); // Enter takes the first match, it does not send the form
    const first = matches[0]?.querySelector('input');
    if (first) {
      first.checked = true;
      first.dispatchEvent(new Event('change', { bubbles: true }));
      first.focus();
    }
  });

  function showCategory() {
    const c = byCode.get(draft.code);
    catDesc.textContent = c ? pick({ zh: c.description, en: c.description_en }) : '';
    const attrs = ((c && c.attributes) || []).filter((a) => a.variable !== false)
      .sort((a, b) => (a.order || 0) - (b.order || 0));
    attrBox.replaceChildren(...attrs.map((a) => attrField(a)));
  }
  function attrField(a) {
    const label = bi(a.description) + (a.required ? '' : ` ${t('rp_opt')}`);
    const name = `attr_${a.code}`;
    const v = draft.attrs[a.code];
    const hint = bi(a.datatype_description) || null;
    if (a.datatype === 'multivaluelist') {
      const set = h('fieldset', { class: 'field attr', dataset: { field: name } }, h('legend', {}, label),
        (a.values || []).map((o) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', name, value: o.key, checked: Array.isArray(v) && v.includes(o.key) }), bi(o.name))));
      set.addEventListener('change', () => {
        draft.attrs[a.code] = [...set.querySelectorAll('input:checked')].map((x) => x.value);
      });
      return set;
    }
    let control;
    if (a.datatype === 'singlevaluelist') {
      control = h('select', { name },
        h('option', { value: '' }, t('rp_choose')),
        (a.values || []).map((o) => h('option', { value: o.key, selected: v === o.key }, bi(o.name))));
    } else if (a.datatype === 'text') {
      control = h('textarea', { name, maxlength: 4000 });
    } else {
      control = h('input', {
        name, type: a.datatype === 'number' ? 'text' : a.datatype === 'datetime' ? 'datetime-local' : 'text',
        inputmode: a.datatype === 'number' ? 'decimal' : false,
      });
    }
    if (v !== undefined && control.tagName !== 'SELECT') control.value = v;
    if (a.required) control.required = true;
    control.addEventListener('input', () => { draft.attrs[a.code] = control.value; });
    control.addEventListener('change', () => { draft.attrs[a.code] = control.value; });
    return field(label, control, hint);
  }
  catSet.addEventListener('change', (ev) => {
    if (ev.target.name !== 'service_code') return;
    draft.code = ev.target.value;
    draft.attrs = {};
    showCategory();
    preview();
  });

  // ---- 2. the place ----
  const mapBox = h('div', { class: 'map report-map', role: 'region', 'aria-label': t('rp_map_label') });
  const locBtn = h('button', { type: 'button' }, t('rp_use_location'));
  const centreBtn = h('button', { type: 'button', disabled: true }, t('rp_pin_centre'));
  const clearBtn = h('button', { type: 'button', hidden: true }, t('rp_pin_clear'));
  const placeNote = h('p', { class: 'place-note', 'aria-live': 'polite' });
  const geoNote = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const latIn = h('input', { name: 'lat', inputmode: 'decimal', autocomplete: 'off', placeholder: '22.7834' });
  const longIn = h('input', { name: 'long', inputmode: 'decimal', autocomplete: 'off', placeholder: '114.4414' });
  const llApply = h('button', { type: 'button' }, t('rp_latlong_apply'));
  const llBox = h('details', { class: 'latlong' },
    h('summary', {}, t('rp_latlong')),
    h('div', { class: 'latlong-row' }, field(t('rp_lat'), latIn), field(t('rp_long'), longIn), llApply));

  // the compound picker: a combobox over every compound, nearest grid first
  const cIn = h('input', {
    name: 'compound', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
    'aria-controls': 'rp-compounds', placeholder: t('rp_compound_ph'),
  });
  const cList = h('ul', { id: 'rp-compounds', role: 'listbox', class: 'combo-list', hidden: true, 'aria-label': t('rp_compound') });
  const cClear = h('button', { type: 'button', class: 'combo-clear', hidden: true, 'aria-label': t('rp_compound_clear'), title: t('rp_compound_clear') }, '×');
  const cField = field(t('rp_compound'), cIn, t('rp_compound_hint'));
  cField.classList.add('combo');
  cField.querySelector('label').after(h('div', { class: 'combo-box' }, cIn, cClear));
  cField.append(cList);
  const address = h('input', { name: 'address', maxlength: MAX.address, autocomplete: 'off', placeholder: t('rp_address_ph') });
  address.value = draft.address;
  address.addEventListener('input', () => { draft.address = address.value; preview(); });
  const placeErr = h('div', { class: 'err-slot' });
  const placeSet = h('fieldset', { class: 'step' },
    h('legend', {}, t('rp_step_place')),
    h('p', { class: 'hint' }, t('rp_map_hint')), mapBox,
    h('div', { class: 'actions map-actions' }, locBtn, centreBtn, clearBtn), geoNote, placeNote, placeErr, llBox,
    cField, field(t('rp_address'), address));

  let m = null; // {L, map} once the map is drawn
  let marker = null;
  let lastLocate = null; // the locate answer for the pin
  let locSeq = 0;

  function showPin(pan) {
    if (!m) return;
    if (draft.lat === null) {
      if (marker) marker.remove();
      marker = null;
      return;
    }
    const at = [draft.lat, draft.long];
    if (!marker) {
      marker = m.L.marker(at, { draggable: true, title: t('rp_pin'), alt: t('rp_pin'), keyboard: false }).addTo(m.map);
      marker.on('dragend', () => {
        const p = marker.getLatLng();
        setPoint(p.lat, p.lng, false);
      });
    } else {
      marker.setLatLng(at);
    }
    if (pan) m.map.setView(at, Math.max(m.map.getZoom(), 17));
  }

  async function setPoint(lat, long, pan = true) {
    draft.lat = round6(lat);
    draft.long = round6(long);
    latIn.value = String(draft.lat);
    longIn.value = String(draft.long);
    clearBtn.hidden = false;
    showPin(pan);
    placeNote.textContent = t('rp_point', { lat: draft.lat.toFixed(5), long: draft.long.toFixed(5) });
    preview();
    const seq = ++locSeq;
    try {
      const loc = await api('/api/v1/locate', { query: { lat: draft.lat, long: draft.long } });
      if (seq !== locSeq) return;
      lastLocate = loc;
      // a pin inside a red line names its compound; moving it out forgets a compound named that way
      if (loc.compound && (!draft.compound || draft.compoundAuto)) {
        chooseCompound({ code: loc.compound.code, name: loc.compound.name, label: loc.compound.name }, true);
      } else if (!loc.compound && draft.compoundAuto) {
        chooseCompound(null);
      }
      describePlace();
    } catch (e) {
      if (seq === locSeq) placeNote.textContent += ` (${e.message})`;
    }
  }
  function describePlace() {
    if (draft.lat === null) {
      placeNote.textContent = t('rp_no_point');
      return;
    }
    const parts = [t('rp_point', { lat: draft.lat.toFixed(5), long: draft.long.toFixed(5) })];
    const loc = lastLocate;
    if (loc && loc.lat === draft.lat && loc.long === draft.long) {
      if (!loc.inside_street) parts.push(loc.message);
      else {
        parts.push([loc.community, loc.grid].filter(Boolean).map((a) => a.name).join(' › '));
        parts.push(loc.compound ? t('rp_inside', { name: loc.compound.name }) : t('rp_outside'));
      }
    }
    placeNote.textContent = parts.filter(Boolean).join(' · ');
  }
  function clearPoint() {
    draft.lat = draft.long = null;
    latIn.value = longIn.value = '';
    clearBtn.hidden = true;
    lastLocate = null;
    ++locSeq;
    if (draft.compoundAuto) chooseCompound(null);
    showPin(false);
    describePlace();
    preview();
  }
  clearBtn.addEventListener('click', clearPoint);

  function applyLatLong() {
    const a = latIn.value.trim();
    const b = longIn.value.trim();
    clearErrors(llBox);
    if (!a && !b) return clearPoint();
    const lat = Number(a);
    const long = Number(b);
    if (!a || !b) return markField(llBox, a ? longIn : latIn, t('rp_latlong_pair'));
    if (!Number.isFinite(lat) || !Number.isFinite(long) || Math.abs(lat) > 90 || Math.abs(long) > 180) {
      return markField(llBox, Number.isFinite(lat) && Math.abs(lat) <= 90 ? longIn : latIn, t('rp_latlong_bad'));
    }
    setPoint(lat, long);
  }
  llApply.addEventListener('click', applyLatLong);
  for (const el of [latIn, longIn]) {
    el.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        applyLatLong();
      }
    });
  }

  locBtn.addEventListener('click', () => {
    geoNote.hidden = true;
    if (!navigator.geolocation) {
      geoNote.textContent = t('rp_geo_unsupported');
      geoNote.hidden = false;
      return;
    }
    locBtn.disabled = true;
    locBtn.textContent = t('rp_locating');
    navigator.geolocation.getCurrentPosition((pos) => {
      locBtn.disabled = false;
      locBtn.textContent = t('rp_use_location');
      setPoint(pos.coords.latitude, pos.coords.longitude);
    }, (err) => {
      locBtn.disabled = false;
      locBtn.textContent = t('rp_use_location');
      geoNote.textContent = t('rp_geo_failed', { msg: err.message || err.code });
      geoNote.hidden = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
  centreBtn.addEventListener('click', () => {
    if (!m) return;
    const c = m.map.getCenter();
    setPoint(c.lat, c.lng, false);
  });

  // compounds: loaded on first use (about 100 KB), grouped by grid and community
  let compounds = null;
  let cActive = -1;
  let cShown = [];
  function loadCompounds() {
    compounds ??= Promise.all([
      api('/api/v1/areas', { query: { kind: 'compound', geometry: 0 } }),
      api('/api/v1/areas', { query: { kind: 'grid', geometry: 0 } }),
      areas('community'),
    ]).then(([cs, gs, comms]) => {
      const commName = new Map(comms.features.map((f) => [f.properties.id, f.properties]));
      const grid = new Map(gs.features.map((f) => [f.properties.id, f.properties]));
      return cs.features.map((f) => {
        const p = f.properties;
        const g = grid.get(p.parent_id);
        const comm = g && commName.get(g.parent_id);
        const where = comm ? pick(comm) : g ? pick(g) : '';
        return {
          code: p.code, name: p.name, name_en: p.name_en, grid: p.parent_id, gridName: g ? pick(g) : '',
          label: pick(p), where, search: [p.name, p.name_en, p.code, where].join(' ').toLowerCase(),
        };
      });
    }).catch((e) => {
      compounds = null;
      throw e;
    });
    return compounds;
  }
  async function openList() {
    cList.hidden = false;
    cIn.setAttribute('aria-expanded', 'true');
    cList.replaceChildren(h('li', { class: 'combo-note' }, t('rp_compound_loading')));
    let all;
    try {
      all = await loadCompounds();
    } catch (e) {
      cList.replaceChildren(h('li', { class: 'combo-note error' }, t('failed', { msg: e.message })));
      return;
    }
    const q = cIn.value.trim().toLowerCase();
    const chosenText = draft.compound && cIn.value === draft.compound.label;
    let list;
    let head = null;
    if (!q || chosenText) {
      const g = lastLocate && lastLocate.grid;
      list = g ? all.filter((c) => c.grid === g.id) : all;
      if (g && list.length) head = t('rp_compound_near', { grid: g.name });
      else list = all;
    } else {
      const words = q.split(/\s+/);
      list = all.filter((c) => words.every((w) => c.search.includes(w)));
    }
    cShown = list.slice(0, 40);
    cActive = -1;
    cIn.removeAttribute('aria-activedescendant');
    cList.replaceChildren(...[
      head ? h('li', { class: 'combo-note', role: 'presentation' }, head) : null,
      cShown.map((c, i) => h('li', {
        id: `rp-c-${i}`, role: 'option', 'aria-selected': draft.compound && draft.compound.code === c.code ? 'true' : 'false',
        onmousedown: (ev) => ev.preventDefault(), onclick: () => chooseCompound(c),
      }, h('span', {}, c.label), h('small', {}, c.where))),
      list.length === 0 ? h('li', { class: 'combo-note', role: 'presentation' }, t('rp_compound_none')) : null,
      list.length > cShown.length ? h('li', { class: 'combo-note', role: 'presentation' }, t('rp_compound_more', { n: list.length - cShown.length })) : null,
    ].flat().filter(Boolean));
  }
  function closeList() {
    cList.hidden = true;
    cIn.setAttribute('aria-expanded', 'false');
    cIn.removeAttribute('aria-activedescendant');
  }
  function chooseCompound(c, auto = false) {
    draft.compound = c ? { code: c.code, name: c.name, label: c.label || c.name } : null;
    draft.compoundAuto = !!c && auto;
    cIn.value = c ? draft.compound.label : '';
    cClear.hidden = !c;
    clearErrors(cField);
    closeList();
    preview();
  }
  cIn.addEventListener('focus', openList);
  cIn.addEventListener('input', () => {
    if (draft.compound && cIn.value !== draft.compound.label) {
      draft.compound = null;
      draft.compoundAuto = false;
      cClear.hidden = true;
      preview();
    }
    openList();
  });
  cIn.addEventListener('blur', () => setTimeout(closeList, 150));
  cIn.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (cList.hidden) openList();
      if (!cShown.length) return;
      cActive = (cActive + (ev.key === 'ArrowDown' ? 1 : -1) + cShown.length) % cShown.length;
      for (const li of cList.querySelectorAll('[role=option]')) li.classList.toggle('active', li.id === `rp-c-${cActive}`);
      cIn.setAttribute('aria-activedescendant', `rp-c-${cActive}`);
      cList.querySelector(`#rp-c-${cActive}`)?.scrollIntoView({ block: 'nearest' });
    } else if (ev.key === 'Enter') {
      if (!cList.hidden && cActive >= 0) {
        ev.preventDefault();
        chooseCompound(cShown[cActive]);
      } else if (!cList.hidden && cShown.length === 1) {
        ev.preventDefault();
        chooseCompound(cShown[0]);
      }
    } else if (ev.key === 'Escape') {
      closeList();
    }
  });
  cClear.addEventListener('click', () => {
    chooseCompound(null);
    cIn.focus();
  });

  // ---- 3. what you see ----
  const desc = h('textarea', { name: 'description', maxlength: MAX.description, placeholder: t('rp_desc_ph'), rows: 5 });
  desc.value = draft.description;
  const counter = h('small', { class: 'hint counter', 'aria-live': 'off' });
  const count = () => { counter.textContent = `${chars(desc.value)} / ${MAX.description}`; };
  desc.addEventListener('input', () => { draft.description = desc.value; count(); });
  count();
  const photoIn = h('input', { type: 'file', name: 'photo', multiple: true, accept: 'image/jpeg,image/png,image/webp' });
  const thumbs = h('ul', { class: 'thumbs' });
  const photoField = field(t('rp_photos'), photoIn, t('rp_photos_hint'));
  photoField.append(thumbs);
  const urls = new Map();
  function showPhotos() {
    for (const [f, u] of urls) {
      if (!draft.photos.includes(f)) {
        URL.revokeObjectURL(u);
        urls.delete(f);
      }
    }
    thumbs.replaceChildren(...draft.photos.map((f) => {
      if (!urls.has(f)) urls.set(f, URL.createObjectURL(f));
      return h('li', {}, h('img', { src: urls.get(f), alt: f.name }),
        h('button', {
          type: 'button', class: 'thumb-remove', 'aria-label': t('rp_photo_remove', { name: f.name }),
          title: t('rp_photo_remove', { name: f.name }),
          onclick: () => { draft.photos = draft.photos.filter((x) => x !== f); showPhotos(); photoIn.focus(); },
        }, '×'));
    }));
  }
  photoIn.addEventListener('change', async () => {
    clearErrors(photoField);
    const problems = [];
    for (const f of photoIn.files) {
      if (draft.photos.length >= PHOTOS) {
        problems.push(t('rp_photo_count'));
        break;
      }
      if (f.size > PHOTO_MAX) problems.push(t('rp_photo_size', { name: f.name }));
      else if (!(await sniff(f))) problems.push(t('rp_photo_type', { name: f.name }));
      else draft.photos.push(f);
    }
    photoIn.value = '';
    showPhotos();
    if (problems.length) markField(photoField, photoIn, problems.join('；'), false);
  });
  const detailSet = h('fieldset', { class: 'step' }, h('legend', {}, t('rp_step_detail')),
    (() => { const f = field(t('rp_desc'), desc); f.append(counter); return f; })(), photoField);

  // ---- 4. contact ----
  const nameIn = h('input', { name: 'name', maxlength: MAX.name, autocomplete: 'name' });
  const phoneIn = h('input', { name: 'phone', type: 'tel', maxlength: MAX.phone, autocomplete: 'tel', inputmode: 'tel' });
  const emailIn = h('input', { name: 'email', type: 'email', maxlength: MAX.email, autocomplete: 'email' });
  const okIn = h('input', { type: 'checkbox', name: 'contact_ok', checked: draft.contactOk });
  const rememberIn = h('input', { type: 'checkbox', name: 'remember', checked: draft.remember });
  for (const [el, k] of [[nameIn, 'name'], [phoneIn, 'phone'], [emailIn, 'email']]) {
    el.value = draft[k];
    el.addEventListener('input', () => { draft[k] = el.value; });
  }
  okIn.addEventListener('change', () => { draft.contactOk = okIn.checked; });
  rememberIn.addEventListener('change', () => { draft.remember = rememberIn.checked; });
  const contactSet = h('fieldset', { class: 'step' }, h('legend', {}, t('rp_step_contact')),
    h('p', { class: 'hint' }, t('rp_contact_hint')),
    h('div', { class: 'contact-row' }, field(t('rp_name'), nameIn), field(t('rp_phone'), phoneIn), field(t('rp_email'), emailIn)),
    h('label', { class: 'check' }, okIn, t('rp_contact_ok')),
    h('label', { class: 'check' }, rememberIn, t('rp_remember')));

  // ---- the preview: where it will go and why ----
  const previewBody = h('div', { class: 'preview-body', 'aria-live': 'polite' });
  const nearbyBox = h('div', { class: 'nearby' });
  const aside = h('aside', { class: 'card preview', 'aria-labelledby': 'rp-preview-h' },
    h('h2', { id: 'rp-preview-h' }, t('rp_preview')), previewBody, nearbyBox);
  let pvSeq = 0;
  let pvTimer;
  function preview() {
    clearTimeout(pvTimer);
    pvTimer = setTimeout(runPreview, 150);
  }
  async function runPreview() {
    const seq = ++pvSeq;
    const hasPlace = draft.lat !== null || draft.compound;
    if (!draft.code || !hasPlace) {
      previewBody.replaceChildren(h('p', { class: 'hint' },
        draft.code && !blank(draft.address) ? t('rp_preview_address') : t('rp_preview_wait')));
      nearbyBox.replaceChildren();
      return;
    }
    previewBody.replaceChildren(h('p', { class: 'status' }, t('rp_preview_loading')));
    let r;
    try {
      r = await api('/api/v1/route', {
        query: { service_code: draft.code, lat: draft.lat, long: draft.long, compound: draft.compound && draft.compound.code },
      });
    } catch (e) {
      if (seq === pvSeq) previewBody.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('failed', { msg: e.message })));
      return;
    }
    if (seq !== pvSeq) return;
    previewBody.replaceChildren(routingList(r));
    nearbyBox.replaceChildren(...nearbyList(r.nearby || []));
  }

  // ---- the form ----
  const submit = h('button', { type: 'submit', class: 'primary' }, t('rp_submit'));
  const formNote = h('div', { class: 'form-note' });
  const form = h('form', { class: 'report', novalidate: true },
    catSet, placeSet, detailSet, contactSet, aside,
    h('div', { class: 'submit-row' }, formNote, submit, h('p', { class: 'hint' }, t('rp_after'))));

  const remembered = mine();
  root.replaceChildren(h('div', { class: 'page-report' },
    h('h1', {}, t('rp_title')),
    h('p', { class: 'lead' }, t('rp_lead')),
    remembered.length ? myReports(remembered) : null,
    form));

  /** Where a field's error goes: the field wrapper and the control to focus. */
  function spot(name) {
    if (name === 'service_code') return [catErr, catSet.querySelector('input[name=service_code]:checked') || catSet.querySelector('input[name=service_code]')];
    if (name === 'lat' || name === 'long') {
      if (m && draft.lat === null) return [placeErr, mapBox];
      llBox.open = true;
      return [placeErr, latIn];
    }
    if (name === 'compound') return [cField, cIn];
    if (name === 'photo') return [photoField, photoIn];
    const a = /^attribute\[(.+)\]$/.exec(name || '');
    const ctl = form.querySelector(`[name="${CSS.escape(a ? `attr_${a[1]}` : name || '')}"]`);
    return ctl ? [ctl.closest('.field') || ctl.parentElement, ctl] : [null, null];
  }
  function showErrors(errs) {
    clearErrors(form);
    let first = null;
    for (const e of errs) {
      const [wrap, ctl] = spot(e.field);
      if (wrap) {
        markField(wrap, ctl, e.message, false);
        first ??= ctl;
      } else {
        formNote.append(h('p', { class: 'field-error', role: 'alert' }, e.message));
      }
    }
    if (errs.length > 1) formNote.prepend(h('p', { class: 'field-error' }, t('rp_fix', { n: errs.length })));
    if (first) {
      first.scrollIntoView({ block: 'center' });
      first.focus({ preventScroll: true });
    }
  }

  function check() {
    const errs = [];
    const c = byCode.get(draft.code);
    if (!c) errs.push({ field: 'service_code', message: t('rp_cat_required') });
    for (const a of (c && c.attributes) || []) {
      if (a.variable === false) continue;
      const v = draft.attrs[a.code];
      const empty = v === undefined || v === '' || (Array.isArray(v) && !v.length);
      const name = bi(a.description);
      if (empty && a.required) errs.push({ field: `attribute[${a.code}]`, message: t('rp_attr_required', { name }) });
      else if (!empty && a.datatype === 'number' && !Number.isFinite(Number(String(v).trim()))) {
        errs.push({ field: `attribute[${a.code}]`, message: t('rp_attr_number', { name }) });
      }
    }
    if (cIn.value.trim() && !draft.compound) errs.push({ field: 'compound', message: t('rp_compound_pick') });
    else if (draft.lat === null && !draft.compound && blank(draft.address)) errs.push({ field: 'lat', message: t('rp_place_required') });
    if (chars(draft.address) > MAX.address) errs.push({ field: 'address', message: t('rp_too_long', { n: MAX.address }) });
    if (blank(draft.description)) errs.push({ field: 'description', message: t('rp_desc_required') });
    else if (chars(draft.description) > MAX.description) errs.push({ field: 'description', message: t('rp_too_long', { n: MAX.description }) });
    if (chars(draft.name.trim()) > MAX.name) errs.push({ field: 'name', message: t('rp_too_long', { n: MAX.name }) });
    const phone = draft.phone.trim();
    if (phone && (!/^[0-9+\- ]{3,20}$/.test(phone) || (phone.match(/\d/g) || []).length < 3)) {
      errs.push({ field: 'phone', message: t('rp_phone_bad') });
    }
    const email = draft.email.trim();
    if (email && (!email.includes('@') || /\s/.test(email) || chars(email) > MAX.email)) errs.push({ field: 'email', message: t('rp_email_bad') });
    return errs;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const errs = check();
    if (errs.length) return showErrors(errs);
    clearErrors(form);
    const body = { service_code: draft.code, description: draft.description.trim(), contact_ok: draft.contactOk };
    if (draft.lat !== null) Object.assign(body, { lat: draft.lat, long: draft.long });
    if (draft.compound) body.compound = draft.compound.code;
    if (!blank(draft.address)) body.address = draft.address.trim();
    for (const k of ['name', 'phone', 'email']) if (draft[k].trim()) body[k] = draft[k].trim();
    const attrs = {};
    for (const [k, v] of Object.entries(draft.attrs)) if (v !== '' && !(Array.isArray(v) && !v.length)) attrs[k] = v;
    if (Object.keys(attrs).length) body.attributes = attrs;
    submit.disabled = true;
    submit.textContent = t('rp_sending');
    let r;
    try {
      r = await api('/api/v1/cases', { method: 'POST', json: body });
    } catch (e) {
      submit.disabled = false;
      submit.textContent = t('rp_submit');
      return showErrors([{ field: e.field, message: e.message }]);
    }
    const service = byCode.get(draft.code);
    if (draft.remember) {
      saveMine([{ id: r.id, token: r.token, at: new Date().toISOString(), name: service.name, name_en: service.name_en },
        ...mine().filter((x) => x.id !== r.id)]);
    }
    const photos = draft.photos;
    draft = fresh();
    await uploadAll(r, photos);
  });

  /** Sends the photos one by one with the case's token (each well inside the upload limit), then opens the tracking page. */
  async function uploadAll(r, photos) {
    const failedOnes = [];
    for (let i = 0; i < photos.length; i++) {
      formNote.replaceChildren(h('p', { class: 'status', role: 'status' }, t('rp_uploading', { i: i + 1, n: photos.length })));
      const fd = new FormData();
      fd.append('photo', photos[i], photos[i].name);
      try {
        await api(`/api/v1/cases/${r.id}/photos`, { method: 'POST', body: fd, query: { token: r.token } });
      } catch (e) {
        failedOnes.push([photos[i], e.message]);
      }
    }
    const track = `${r.tracking_url}&new=1`;
    if (!failedOnes.length) return go(track);
    // the case is in: the submit button stays off, the photos can be tried again or added later
    return formNote.replaceChildren(h('div', { class: 'error', role: 'alert' },
      h('p', {}, t('rp_sent_photos_failed', { id: r.id })),
      h('ul', {}, failedOnes.map(([f, msg]) => h('li', {}, `${f.name}: ${msg}`))),
      h('p', { class: 'actions' },
        h('button', { type: 'button', onclick: () => uploadAll(r, failedOnes.map((x) => x[0])) }, t('rp_retry_photos')),
        h('a', { class: 'btn primary', href: `#${track}` }, t('rp_go_track')))));
  }


  // restore the draft, then draw the map (Leaflet loads after the form is usable)
  showCategory();
  if (draft.compound) {
    cIn.value = draft.compound.label;
    cClear.hidden = false;
  }
  if (draft.lat !== null) {
    latIn.value = String(draft.lat);
    longIn.value = String(draft.long);
    clearBtn.hidden = false;
    setPoint(draft.lat, draft.long, false);
  } else describePlace();
  showPhotos();
  preview();
  try {
    m = await streetMap(mapBox, { onClick: (ll) => setPoint(ll.lat, ll.lng, false) });
    if (!mapBox.isConnected) return;
    centreBtn.disabled = false;
    showPin(true);
  } catch (e) {
    mapBox.classList.add('map-failed');
    mapBox.replaceChildren(h('p', { class: 'error' }, t('rp_map_failed', { msg: e.message })));
    llBox.open = true;
  }
}

/** The routing decision of a preview (or of a sent case): place, handler, why, deadlines. */
function routingList(r) {
  const p = r.place || {};
  const where = [p.community, p.grid].filter(Boolean).map((a) => a.name).join(' › ');
  const red = p.compound ? t('rp_inside', { name: p.compound.name }) : p.street ? t('rp_outside') : '';
  const ro = r.routing || {};
  const tier = ro.tier ? t(`rp_tier_${ro.tier}`) : '';
  const rows = [
    [t('rp_place'), [where || (p.street && p.street.name) || '—', red].filter(Boolean).join(' · ')],
    [t('rp_handler'), pick(ro.handler)],
    [t('rp_owner'), ro.owner ? t('rp_owner_tier', { name: ro.owner.name, tier }) : tier],
    [t('rp_why'), pick({ zh: ro.reason, en: ro.reason_en })],
  ];
  const d = r.deadlines || {};
  return h('dl', { class: 'route' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', { class: k === t('rp_why') ? 'reason' : null }, v)]),
    d.accept ? [h('dt', {}, t('rp_due_accept')), h('dd', {}, fmtTime(d.accept), ' · ', countdown(d.accept))] : null,
    d.resolve ? [h('dt', {}, t('rp_due_resolve')), h('dd', {}, fmtTime(d.resolve), ' · ', countdown(d.resolve))] : null);
}

/** "Same problem?": open reports of the category nearby, each with a link to its public page. */
function nearbyList(items) {
  if (!items.length) return [];
  return [h('h3', {}, t('rp_nearby')), h('p', { class: 'hint' }, t('rp_nearby_hint')),
    h('ul', { class: 'plain nearby-list' }, items.map((c) => h('li', {},
      h('p', { class: 'nearby-desc' }, c.description),
      h('p', { class: 'hint' }, t('rp_metres', { n: Math.round(c.distance_m) }), ' · ', fmtTime(c.submitted_at), ' · ',
        h('a', { href: `#/cases?id=${c.id}` }, t('rp_view_case', { id: c.id }))))))];
}

function myReports(list) {
  const ul = h('ul', { class: 'plain mine-list' });
  const box = h('details', { class: 'card mine' }, h('summary', {}, t('rp_mine', { n: list.length })), ul);
  const fill = (l) => {
    ul.replaceChildren(...l.map((x) => h('li', {},
      h('a', { href: `#/track/${x.id}?token=${encodeURIComponent(x.token)}` }, `#${x.id} ${pick(x)}`),
      h('span', { class: 'hint' }, fmtTime(x.at)),
      h('button', {
        type: 'button', class: 'link', onclick: () => {
          const rest = mine().filter((y) => y.id !== x.id);
          saveMine(rest);
          if (rest.length) fill(rest);
          else box.remove();
        },
      }, t('rp_forget')))));
  };
  fill(list);
  return box;
}

function clearErrors(scope) {
  for (const old of scope.querySelectorAll('.field-error')) old.remove();
  for (const bad of scope.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
}

/** Marks control invalid and shows message at the end of wrap (the field). */
function markField(wrap, control, message, focus = true) {
  if (control && control.matches('input,select,textarea')) {
    control.setAttribute('aria-invalid', 'true');
    const id = `${control.id || control.name}-err`;
    wrap.append(h('p', { class: 'field-error', role: 'alert', id }, message));
    control.setAttribute('aria-errormessage', id);
  } else {
    wrap.append(h('p', { class: 'field-error', role: 'alert' }, message));
  }
  if (focus && control) control.focus();
}
