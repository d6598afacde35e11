// track: the reporter follows a report by its link (#/track/ID?token=…),
// no account needed — a bookmark is enough. Where it stands (state, who
// holds it now, why it went there, the deadlines as live countdowns), the
// public timeline, what was reported (with the photos, which only the
// token's holder and the staff see), a way to add information or photos,
// and once it is resolved the follow-up (回访): solved? satisfied? — the
// `rate` action with the token. The public case page (public-cases.js)
// uses the same pieces without the token.
import { addTexts, api, countdown, field, fmtTime, h, lang, pick, styles, t, toast } from '../core.js';

addTexts({
  zh: {
    tr_title: '办理进度', tr_case: '诉求 #{id}',
    tr_no_token: '这个链接不完整，缺少跟踪码。请使用提交反映后得到的完整链接。',
    tr_new: '已收到您的反映',
    tr_new_hint: '这个页面的链接就是您的跟踪链接：凭它查看进度、补充情况和评价，不需要账号。请收藏本页，或复制链接保存好——它只在这里给出。',
    tr_link: '跟踪链接', tr_copy: '复制链接', tr_copied: '链接已复制',
    tr_now: '当前进展', tr_state: '状态', tr_handler: '当前办理', tr_waiting: '等待受理分派', tr_routed: '按规则送往',
    tr_why: '为什么', tr_department: '已转交', tr_deadlines: '时限', tr_due_accept: '受理', tr_due_contact: '联系反映人',
    tr_due_resolve: '办结', tr_due_referral: '部门办理', tr_due_rating: '评价截止', tr_done_at: '已于 {time} 完成',
    tr_closed_at: '已于 {time} 结案', tr_due_by: '时限 {time}', tr_tier: '{name}层级',
    tr_merged: '这条反映与 #{id} 是同一个问题，已合并办理。', tr_merged_go: '查看 #{id} 的进度',
    tr_timeline: '办理过程', tr_from_to: '{from} → {to}',
    tr_rate: '办得怎么样？', tr_rate_hint: '您的回答计入办理单位的解决率和满意率。选择“没有解决”或“不满意”时，会重新办理。',
    tr_solved: '问题解决了吗？', tr_solved_yes: '已解决', tr_solved_no: '没有解决',
    tr_sat: '您满意吗？', tr_sat_satisfied: '满意', tr_sat_basically_satisfied: '基本满意', tr_sat_unsatisfied: '不满意',
    tr_comment: '想说的话（可选）', tr_rate_send: '提交评价', tr_rated: '评价', tr_rating_thanks: '谢谢您的评价。',
    tr_rating_reopened: '已收到您的评价，这个问题会重新办理。', tr_pick_solved: '请回答问题是否已解决',
    tr_pick_sat: '请选择满意程度', tr_note: '补充情况',
    tr_note_hint: '补充的内容会公开显示在办理过程中（不会显示您的联系方式）。', tr_note_send: '发送',
    tr_note_required: '请先填写内容', tr_note_sent: '已补充', tr_photos: '照片', tr_add_photos: '添加照片（每张不超过 8 MB）',
    tr_upload: '上传', tr_uploaded: '已上传 {n} 张照片', tr_photo_bad: '{name}：只能上传 8 MB 以内的 JPEG、PNG 或 WebP 图片',
    tr_photo_none: '请先选择照片', tr_report: '反映内容', tr_category: '类别', tr_place: '位置', tr_address: '位置描述',
    tr_submitted: '提交时间', tr_inside: '{name}红线内', tr_outside: '小区红线外（公共区域）', tr_refresh: '刷新',
    tr_st_submitted: '待受理', tr_st_accepted: '已受理', tr_st_dispatched: '已派单', tr_st_in_progress: '办理中',
    tr_st_resolved: '已办结待评价', tr_st_closed: '已结案', tr_st_returned: '已退回', tr_st_reopened: '重新办理',
    tr_st_merged: '已合并', tr_st_invalid: '无效',
    tr_tier_grid: '网格', tr_tier_community: '社区', tr_tier_street: '街道',
    tr_by_you: '您', tr_by_reporter: '反映人', tr_by_grid_worker: '网格员', tr_by_community_staff: '社区工作人员',
    tr_by_street_admin: '街道工作人员', tr_by_department_staff: '区直部门', tr_by_member_unit: '物业/成员单位',
    tr_by_platform: '系统（按时限自动处理）', tr_by_cli: '系统导入', tr_by_api_client: '外部系统', tr_by_resident: '居民',
    tr_by_volunteer: '志愿者',
  },
  en: {
    tr_title: 'Progress of a report', tr_case: 'Report #{id}',
    tr_no_token: 'This link is incomplete: its tracking code is missing. Use the whole link you were given after reporting.',
    tr_new: 'Your report has been received',
    tr_new_hint: 'The link of this page is your tracking link: with it you follow the progress, add information and rate the result, without an account. Bookmark this page or keep a copy of the link — it is given only here.',
    tr_link: 'Tracking link', tr_copy: 'Copy the link', tr_copied: 'Link copied',
    tr_now: 'Where it stands', tr_state: 'State', tr_handler: 'Handled now by', tr_waiting: 'Waiting to be assigned',
    tr_routed: 'Routed to', tr_why: 'Why', tr_department: 'Referred to', tr_deadlines: 'Deadlines', tr_due_accept: 'Accept',
    tr_due_contact: 'Contact you', tr_due_resolve: 'Resolve', tr_due_referral: 'Department', tr_due_rating: 'Rate by',
    tr_done_at: 'done {time}', tr_closed_at: 'closed {time}', tr_due_by: 'due {time}', tr_tier: '{name} tier',
    tr_merged: 'This report is the same problem as #{id}; they are handled together.', tr_merged_go: 'Follow #{id}',
    tr_timeline: 'What has happened', tr_from_to: '{from} → {to}',
    tr_rate: 'How was it handled?', tr_rate_hint: 'Your answer counts in the handlers’ resolution and satisfaction rates. “Not solved” or “Unsatisfied” sends it back to be handled again.',
    tr_solved: 'Is the problem solved?', tr_solved_yes: 'Solved', tr_solved_no: 'Not solved',
    tr_sat: 'Are you satisfied?', tr_sat_satisfied: 'Satisfied', tr_sat_basically_satisfied: 'Mostly satisfied',
    tr_sat_unsatisfied: 'Unsatisfied', tr_comment: 'Comment (optional)', tr_rate_send: 'Send the rating', tr_rated: 'Rating',
    tr_rating_thanks: 'Thank you for rating it.', tr_rating_reopened: 'Thank you: the problem will be handled again.',
    tr_pick_solved: 'Say whether the problem is solved', tr_pick_sat: 'Say how satisfied you are',
    tr_note: 'Add information', tr_note_hint: 'What you add is shown publicly in the timeline (never your contact details).',
    tr_note_send: 'Send', tr_note_required: 'Write something first', tr_note_sent: 'Added', tr_photos: 'Photos',
    tr_add_photos: 'Add photos (at most 8 MB each)', tr_upload: 'Upload', tr_uploaded: '{n} photos uploaded',
    tr_photo_bad: '{name}: only JPEG, PNG or WebP pictures of at most 8 MB', tr_photo_none: 'Choose a photo first',
    tr_report: 'The report', tr_category: 'Category', tr_place: 'Place', tr_address: 'Where exactly',
    tr_submitted: 'Reported', tr_inside: 'inside the red line of {name}', tr_outside: 'outside every compound (public space)',
    tr_refresh: 'Refresh',
    tr_st_submitted: 'submitted', tr_st_accepted: 'accepted', tr_st_dispatched: 'dispatched', tr_st_in_progress: 'in progress',
    tr_st_resolved: 'resolved, awaiting rating', tr_st_closed: 'closed', tr_st_returned: 'returned', tr_st_reopened: 'reopened',
    tr_st_merged: 'merged', tr_st_invalid: 'invalid',
    tr_tier_grid: 'grid', tr_tier_community: 'community', tr_tier_street: 'street',
    tr_by_you: 'you', tr_by_reporter: 'the reporter', tr_by_grid_worker: 'grid worker', tr_by_community_staff: 'community staff',
    tr_by_street_admin: 'street office', tr_by_department_staff: 'district department', tr_by_member_unit: 'property company / member unit',
    tr_by_platform: 'the system (deadline passed)', tr_by_cli: 'imported', tr_by_api_client: 'another system', tr_by_resident: 'a resident',
    tr_by_volunteer: 'a volunteer',
  },
});

export const title = 'tr_title';

const PHOTO_MAX = 8 * 1024 * 1024;
const ROLES = ['reporter', 'grid_worker', 'community_staff', 'street_admin', 'department_staff', 'member_unit', 'platform',
  'cli', 'api_client', 'resident', 'volunteer'];

/** A state as a badge: open states amber, resolved and closed green, merged / invalid grey. */
export function stateBadge(state) {
  const cls = ['resolved', 'closed'].includes(state) ? 'done' : ['merged', 'invalid'].includes(state) ? '' : 'open';
  return h('span', { class: `badge ${cls}`, dataset: { state } }, t(`tr_st_${state}`));
}

const tierName = (tier) => (tier ? t(`tr_tier_${tier}`) : '');

/** Who holds a case now: "白云社区（社区）", or "waiting" when nobody does yet. */
export function handlerText(hd) {
  if (!hd || hd.kind === 'none') return t('tr_waiting');
  return hd.of ? `${hd.of.name}（${pick(hd)}）` : pick(hd);
}

function placeText(c) {
  const where = [c.community, c.grid].filter(Boolean).map((a) => a.name).join(' › ') || (c.street && c.street.name) || '';
  const red = c.compound && c.inside_red_line ? t('tr_inside', { name: c.compound.name }) : c.street ? t('tr_outside') : '';
  return [where, red].filter(Boolean).join(' · ');
}

/** Where it stands: state, handler, routing and why, deadlines (live while open). */
export function progressCard(c) {
  const open = c.open && !['closed', 'merged', 'invalid'].includes(c.state);
  const d = c.deadlines || {};
  const tm = c.times || {};
  const due = (key, iso, doneAt, live = open) => {
    if (!iso) return null;
    let state;
    if (doneAt) state = h('span', { class: 'met' }, t('tr_done_at', { time: fmtTime(doneAt) }));
    else if (live) state = countdown(iso);
    return h('li', {}, h('span', { class: 'due-name' }, t(key)), state ? h('span', { class: 'due-state' }, state) : null,
      h('span', { class: 'due-time' }, t('tr_due_by', { time: fmtTime(iso) })));
  };
  const dues = c.state === 'resolved'
    ? [due('tr_due_rating', c.due_at)]
    : [due('tr_due_accept', d.accept, tm.accepted_at), due('tr_due_contact', d.contact, tm.contacted_at),
      due('tr_due_referral', d.referral, null, open && c.handler && c.handler.kind === 'department'),
      due('tr_due_resolve', d.resolve, tm.resolved_at)];
  const ro = c.routing || {};
  const rows = [
    [t('tr_state'), [stateBadge(c.state), tm.closed_at ? h('span', { class: 'hint inline' }, t('tr_closed_at', { time: fmtTime(tm.closed_at) })) : null]],
    [t('tr_handler'), [handlerText(c.handler), c.tier ? h('span', { class: 'hint inline' }, t('tr_tier', { name: tierName(c.tier) })) : null]],
    c.department ? [t('tr_department'), c.department.name] : null,
    [t('tr_routed'), handlerText(ro.handler)],
    [t('tr_why'), h('span', { class: 'reason' }, pick({ zh: ro.reason, en: ro.reason_en }))],
    [t('tr_deadlines'), h('ul', { class: 'plain dues' }, dues)],
  ].filter(Boolean);
  return h('section', { class: 'card progress-card', 'aria-labelledby': `now-${c.id}` },
    h('h2', { id: `now-${c.id}` }, t('tr_now')),
    c.merged_into ? h('p', { class: 'notice' }, t('tr_merged', { id: c.merged_into })) : null,
    h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
}

/** The public timeline, oldest first. mine: events by the token's holder read "you". */
export function timelineList(c, mine = false) {
  return h('section', { class: 'card', 'aria-labelledby': `tl-${c.id}` },
    h('h2', { id: `tl-${c.id}` }, t('tr_timeline')),
    h('ol', { class: 'timeline' }, (c.timeline || []).map((e) => {
      // the token's holder made the report (anonymous, or signed in as a resident) and acts as `reporter`
      const you = mine && (e.actor_role === 'reporter' || (e.action === 'report' && ['resident', 'volunteer'].includes(e.actor_role)));
      const who = you ? t('tr_by_you') : ROLES.includes(e.actor_role) ? t(`tr_by_${e.actor_role}`) : e.actor_role;
      const move = e.from_state && e.to_state && e.from_state !== e.to_state
        ? t('tr_from_to', { from: t(`tr_st_${e.from_state}`), to: t(`tr_st_${e.to_state}`) }) : null;
      return h('li', { class: `ev ev-${e.action}`, dataset: { action: e.action } },
        h('div', { class: 'ev-head' },
          h('strong', {}, pick({ zh: e.action_name, en: e.action_name_en })),
          e.actor_role ? h('span', { class: 'ev-who' }, who) : null,
          h('time', { datetime: e.at }, fmtTime(e.at))),
        move ? h('p', { class: 'ev-move' }, move) : null,
        e.text ? h('p', { class: 'ev-text' }, e.text) : null);
    })));
}

/** What was reported: category, description, answers, place, address, photos (with the token), a small map. */
export function reportCard(c, cat, token) {
  const attrs = Object.entries(c.attributes || {});
  const defs = new Map(((cat && cat.attributes) || []).map((a) => [a.code, a]));
  const bi = (s) => {
    const i = (s || '').indexOf(' / ');
    return i < 0 ? s || '' : lang === 'en' ? s.slice(i + 3) : s.slice(0, i);
  };
  const answer = (def, v) => {
    const vals = Array.isArray(v) ? v : [v];
    return vals.map((x) => {
      const o = def && (def.values || []).find((y) => y.key === x);
      return o ? bi(o.name) : String(x);
    }).join('、');
  };
  const mapBox = c.lat !== null && c.lat !== undefined ? h('div', { class: 'map case-map' }) : null;
  const card = h('section', { class: 'card', 'aria-labelledby': `rep-${c.id}` },
    h('h2', { id: `rep-${c.id}` }, t('tr_report')),
    h('p', { class: 'desc' }, c.description),
    h('dl', { class: 'facts' },
      h('dt', {}, t('tr_category')), h('dd', {}, pick({ zh: c.service_name, en: c.service_name_en })),
      attrs.map(([k, v]) => [h('dt', {}, defs.has(k) ? bi(defs.get(k).description) : k), h('dd', {}, answer(defs.get(k), v))]),
      h('dt', {}, t('tr_place')), h('dd', {}, placeText(c) || '—'),
      c.address ? [h('dt', {}, t('tr_address')), h('dd', {}, c.address)] : null,
      h('dt', {}, t('tr_submitted')), h('dd', {}, fmtTime(c.submitted_at))),
    token && c.photos && c.photos.length ? h('ul', { class: 'photos' }, c.photos.map((p) => {
      const src = `/api/v1/cases/${c.id}/photos/${p.hash}?token=${encodeURIComponent(token)}`;
      return h('li', {}, h('a', { href: src, target: '_blank', rel: 'noopener' },
        h('img', { src, alt: `${t('tr_photos')} ${p.hash.slice(0, 8)}`, loading: 'lazy' })));
    })) : null,
    mapBox);
  if (mapBox) {
    // Leaflet only when there is a point to show, after the page is readable
    import('../map.js').then(({ streetMap }) => streetMap(mapBox, { detail: true })).then(({ L, map }) => {
      L.marker([c.lat, c.long], { keyboard: false, alt: t('tr_place') }).addTo(map);
      map.setView([c.lat, c.long], 17);
    }).catch(() => mapBox.remove());
  }
  return card;
}

export async function render(root, { params, query }) {
  styles('track');
  const id = params[0];
  const token = query.token;
  if (!token) {
    root.replaceChildren(h('div', { class: 'page-track case-view' }, h('h1', {}, t('tr_case', { id })),
      h('p', { class: 'error', role: 'alert' }, t('tr_no_token')),
      h('p', {}, h('a', { href: '#/' }, t('nav_home')))));
    return;
  }
  const isNew = query.new === '1';
  const link = `${window.location.origin}${window.location.pathname}#/track/${id}?token=${encodeURIComponent(token)}`;
  if (isNew) history.replaceState(null, '', `#/track/${id}?token=${encodeURIComponent(token)}`); // the bookmark is the clean link

  const c = await api(`/api/v1/cases/${id}`, { query: { token } }); // errors: the router shows them with a retry
  let cat = null;
  try {
    cat = await api(`/api/v1/categories/${encodeURIComponent(c.service_code)}`);
  } catch { /* the answers show as their codes */ }
  const allowed = c.allowed_actions || [];
  const reload = () => render(root, { params, query: { token } });

  const left = [progressCard(c)];
  if (allowed.includes('rate')) left.push(rateForm(c, token, reload));
  else if (c.rating) left.push(ratingCard(c.rating));
  left.push(timelineList(c, true));
  const right = [reportCard(c, cat, token)];
  if (allowed.includes('note')) right.push(noteForm(c, token, reload));
  if (c.open && !['merged', 'invalid'].includes(c.state)) right.push(photoForm(c, token, reload));

  root.replaceChildren(h('div', { class: 'page-track case-view' },
    isNew ? newBanner(link) : null,
    h('div', { class: 'head' },
      h('h1', {}, t('tr_case', { id: c.id }), ' ', h('span', { class: 'cat' }, pick({ zh: c.service_name, en: c.service_name_en }))),
      h('button', { type: 'button', onclick: reload }, t('tr_refresh'))),
    c.merged_into ? h('p', {}, h('a', { class: 'btn', href: `#/track/${c.merged_into}?token=${encodeURIComponent(token)}` },
      t('tr_merged_go', { id: c.merged_into }))) : null,
    h('div', { class: 'cols' }, h('div', {}, left), h('div', {}, right))));
}

function newBanner(link) {
  const input = h('input', { readonly: true, value: link, name: 'tracking_link' });
  const copy = h('button', {
    type: 'button', onclick: async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(link);
      } catch {
        document.execCommand('copy'); // http on a LAN address has no clipboard API
      }
      toast(t('tr_copied'));
    },
  }, t('tr_copy'));
  return h('section', { class: 'card new-banner', role: 'status' },
    h('h2', {}, t('tr_new')), h('p', {}, t('tr_new_hint')),
    h('div', { class: 'link-row' }, field(t('tr_link'), input), copy));
}

function ratingCard(r) {
  return h('section', { class: 'card rated' }, h('h2', {}, t('tr_rated')),
    h('p', {}, stateLike(r.solved === 'yes' ? 'done' : 'bad', t(`tr_solved_${r.solved}`)), ' ',
      r.satisfaction ? stateLike(r.satisfaction === 'unsatisfied' ? 'bad' : 'done', t(`tr_sat_${r.satisfaction}`)) : null),
    r.comment ? h('p', { class: 'ev-text' }, r.comment) : null,
    h('p', { class: 'hint' }, fmtTime(r.rated_at)));
}
const stateLike = (cls, text) => h('span', { class: `badge ${cls}` }, text);

function radios(name, legend, values) {
  return h('fieldset', { class: 'field choice', dataset: { field: name } }, h('legend', {}, legend),
    h('div', { class: 'choices' }, values.map(([v, label]) => h('label', { class: 'choice-item' },
      h('input', { type: 'radio', name, value: v }), h('span', {}, label)))));
}

/** The follow-up: solved? satisfied? comment — the reporter's `rate` with the token. */
function rateForm(c, token, done) {
  const comment = h('textarea', { name: 'comment', maxlength: 4000, rows: 3 });
  const send = h('button', { type: 'submit', class: 'primary' }, t('tr_rate_send'));
  const form = h('form', { class: 'card rate-form', novalidate: true, 'aria-labelledby': `rate-${c.id}` },
    h('h2', { id: `rate-${c.id}` }, t('tr_rate')),
    h('p', { class: 'hint' }, t('tr_rate_hint')),
    radios('solved', t('tr_solved'), [['yes', t('tr_solved_yes')], ['no', t('tr_solved_no')]]),
    radios('satisfaction', t('tr_sat'), ['satisfied', 'basically_satisfied', 'unsatisfied'].map((s) => [s, t(`tr_sat_${s}`)])),
    field(t('tr_comment'), comment), send);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const solved = form.querySelector('input[name=solved]:checked');
    const sat = form.querySelector('input[name=satisfaction]:checked');
    const errs = [];
    if (!solved) errs.push({ field: 'solved', message: t('tr_pick_solved') });
    if (!sat) errs.push({ field: 'satisfaction', message: t('tr_pick_sat') });
    if (errs.length) return fieldErrors(form, errs);
    send.disabled = true;
    try {
      const r = await api(`/api/v1/cases/${c.id}/actions`, {
        method: 'POST',
        json: { action: 'rate', token, solved: solved.value, satisfaction: sat.value, comment: comment.value.trim() || undefined },
      });
      toast(r.state === 'reopened' ? t('tr_rating_reopened') : t('tr_rating_thanks'));
      done();
    } catch (e) {
      send.disabled = false;
      fieldErrors(form, [{ field: e.field, message: e.message }]);
    }
  });
  return form;
}

/** The reporter adds information: a public note with the token. */
function noteForm(c, token, done) {
  const text = h('textarea', { name: 'text', maxlength: 4000, rows: 3 });
  const send = h('button', { type: 'submit' }, t('tr_note_send'));
  const form = h('form', { class: 'card note-form', novalidate: true },
    h('h2', {}, t('tr_note')), field(t('tr_note'), text, t('tr_note_hint')), send);
  form.querySelector('label').classList.add('visually-hidden');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) return fieldErrors(form, [{ field: 'text', message: t('tr_note_required') }]);
    send.disabled = true;
    try {
      await api(`/api/v1/cases/${c.id}/actions`, { method: 'POST', json: { action: 'note', token, text: text.value.trim(), public: true } });
      toast(t('tr_note_sent'));
      done();
    } catch (e) {
      send.disabled = false;
      fieldErrors(form, [{ field: e.field === 'text' ? 'text' : null, message: e.message }]);
    }
  });
  return form;
}

/** More photos with the token (checked here as the server checks them: type by the bytes, 8 MB). */
function photoForm(c, token, done) {
  const input = h('input', { type: 'file', name: 'photo', multiple: true, accept: 'image/jpeg,image/png,image/webp' });
  const send = h('button', { type: 'submit' }, t('tr_upload'));
  const form = h('form', { class: 'card photo-form', novalidate: true },
    h('h2', {}, t('tr_photos')), field(t('tr_add_photos'), input), send);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const files = [...input.files].slice(0, 6);
    if (!files.length) return fieldErrors(form, [{ field: 'photo', message: t('tr_photo_none') }]);
    for (const f of files) {
      const b = new Uint8Array(await f.slice(0, 12).arrayBuffer());
      const s = String.fromCharCode(...b);
      const ok = (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) || s.startsWith('\x89PNG\r\n\x1a\n')
        || (s.startsWith('RIFF') && s.slice(8, 12) === 'WEBP');
      if (!ok || f.size > PHOTO_MAX) return fieldErrors(form, [{ field: 'photo', message: t('tr_photo_bad', { name: f.name }) }]);
    }
    send.disabled = true;
    const fd = new FormData();
    for (const f of files) fd.append('photo', f, f.name);
    try {
      const r = await api(`/api/v1/cases/${c.id}/photos`, { method: 'POST', body: fd, query: { token } });
      toast(t('tr_uploaded', { n: r.items.length }));
      done();
    } catch (e) {
      send.disabled = false;
      fieldErrors(form, [{ field: 'photo', message: e.message }]);
    }
  });
  return form;
}

/** Shows each error at its field (by control name) or at the top of the form, and focuses the first. */
function fieldErrors(form, errs) {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const bad of form.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
  let first = null;
  for (const e of errs) {
    const ctl = e.field && form.querySelector(`[name="${CSS.escape(e.field)}"]`);
    const msg = h('p', { class: 'field-error', role: 'alert' }, e.message);
    if (ctl) {
      ctl.setAttribute('aria-invalid', 'true');
      ctl.closest('.field').append(msg);
      first ??= ctl;
    } else {
      form.querySelector('button[type=submit]').before(msg);
    }
  }
  first?.focus();
}
