// case: one case, for the staff who work it (and, read-only, for anyone:
// the server decides what each viewer sees, `view`). What was reported and
// where — the community, grid and compound, inside or outside its red line,
// on a map with the red lines around — whose duty it is and why (the routing
// reason), the deadlines as live countdowns, the reporter's contact for
// those allowed, photos, open reports of the same kind nearby (to merge),
// the timeline with public and internal steps marked, and exactly the
// actions the state machine allows this person now (`allowed_actions`),
// each asking for what it requires. After an action the page is drawn again
// from the server's answer; a refusal is shown where it belongs: at the
// field the server named, or above the actions when the case moved on.
import {
  addTexts, api, countdown, field, fmtTime, h, isStaff, lang, pick, showFieldError, styles, t, toast, whoami,
} from '../core.js';
import { dueLabel, handlerText, stateBadge, term, tierBadge } from './workbench.js';

const TEXTS = {
  zh: {
    cv_title: '诉求详情', cv_back: '返回工作台', cv_not_found: '没有编号为 {id} 的诉求。',
    cv_public_only: '这件诉求不在您的职责范围内，您只能看到公开信息。', cv_sign_in_to_act: '工作人员登录后可以办理。',
    cv_reported: '{time} 反映 · {channel}', cv_description: '反映内容', cv_attributes: '补充信息',
    cv_deadlines: '时限', cv_d_accept: '受理', cv_d_contact: '联系反映人',
    cv_d_resolve: '办结', cv_d_referral: '部门办理', cv_done_at: '{time} 完成', cv_on_time: '按时',
    cv_late: '超时', cv_none: '—',
    cv_routing: '归谁管', cv_routed_to: '按规则应由', cv_rule: '规则 #{id}',
    cv_owner: '首接负责', cv_handler_now: '当前承办', cv_department: '转交部门', cv_resolved_tier: '办结层级',
    cv_counts: '上报 {e} 次，重新办理 {r} 次',
    cv_place: '位置', cv_community: '社区', cv_grid: '网格', cv_compound: '小区',
    cv_red_in: '在小区红线内（物业服务范围）', cv_red_out: '不在小区红线内（公共区域）', cv_address: '地址',
    cv_coords: '坐标', cv_map: '地图：网格边界、小区红线和反映地点', cv_map_failed: '地图无法显示：{msg}',
    cv_reporter: '反映人', cv_reporter_note: '个人信息，仅用于办理本诉求，请勿外传。', cv_name: '姓名', cv_phone: '电话',
    cv_email: '邮箱', cv_callback: '回访', cv_callback_yes: '同意回访', cv_callback_no: '不希望被回访',
    cv_no_contact: '未留姓名和联系方式', cv_external: '热线工单号',
    cv_photos: '照片', cv_photos_hidden: '{n} 张照片（只有负责的工作人员可以查看）', cv_photo_alt: '照片 {n}',
    cv_no_photos: '暂无照片',
    cv_dups: '附近的同类诉求', cv_dups_hint: '同一类别、在附近、尚未办结：重复反映的可以合并。',
    cv_dups_none: '附近没有同类的未办结诉求。', cv_distance: '相距 {m} 米', cv_merge_here: '合并到 #{id}',
    cv_actions: '办理', cv_no_actions: '您现在没有可以办理的操作。', cv_refused: '操作没有完成：{msg}',
    cv_done: '已完成：{action}', cv_busy: '正在提交…',
    cv_timeline: '办理过程', cv_public: '公开', cv_internal: '内部', cv_rating: '评价',
    cv_solved_yes: '已解决', cv_solved_no: '未解决', cv_sat_satisfied: '满意', cv_sat_basically_satisfied: '基本满意',
    cv_sat_unsatisfied: '不满意', cv_merged_into: '已合并到 #{id}',
    act_accept: '受理', act_dispatch: '派单', act_contact: '登记联系反映人', act_start: '开始办理', act_note: '添加备注',
    act_escalate: '上报上一级', act_refer: '转交区直部门', act_report_back: '反馈办理结果', act_return: '退回',
    act_resolve: '办结', act_rate: '回访评价', act_reopen: '重新办理', act_close: '结案', act_merge: '合并',
    act_invalidate: '判定无效',
    f_handler: '派给', f_as_routed: '按分派规则：{name}', f_routed_dept: '规则指向区直部门时，按规则派单即转交该部门（期限为该类别的办结时限）。',
    f_handler_org: '物业公司', f_handler_org_default: '小区登记的物业公司',
    f_contact_text: '联系情况（可选）', f_note_text: '备注内容', f_public: '公开：反映人和公众可以看到这条备注',
    f_escalate_text: '为什么本级解决不了', f_department: '区直部门', f_due: '部门办理期限（北京时间，可选）',
    f_due_hint: '不填则按该类别的办结时限。', f_refer_text: '转交说明（可选）', f_report_text: '部门做了什么',
    f_return_text: '为什么不属于您承办', f_resolve_text: '做了什么、结果如何', f_photos: '现场照片（可选，最多 6 张）',
    f_photos_hint: 'JPEG、PNG 或 WebP，每张不超过 8 MB。', f_rate_hint: '电话回访后，代反映人登记评价。未解决或不满意将重新办理。',
    f_solved: '问题解决了吗', f_satisfaction: '满意程度', f_comment: '反映人的意见（可选）',
    f_reopen_text: '为什么需要重新办理', f_close_text: '提前结案的理由',
    f_close_hint: '评价期未满结案需要说明，例如多次联系不上反映人。', f_merge_into: '合并到诉求（编号）',
    f_merge_hint: '本诉求的反映人将改为跟进被合并到的诉求。', f_invalidate_text: '为什么不是有效诉求',
    f_photos_added: '已上传 {n} 张照片',
  },
  en: {
    cv_title: 'Case', cv_back: 'Back to the workbench', cv_not_found: 'There is no case {id}.',
    cv_public_only: 'This case is not in your scope: you see its public record only.',
    cv_sign_in_to_act: 'Staff: sign in to work on it.', cv_reported: 'reported {time} · {channel}',
    cv_description: 'What was reported', cv_attributes: 'Details',
    cv_deadlines: 'Deadlines', cv_d_accept: 'Accept', cv_d_contact: 'Contact reporter',
    cv_d_resolve: 'Resolve', cv_d_referral: 'Department', cv_done_at: 'done {time}',
    cv_on_time: 'on time', cv_late: 'late', cv_none: '—',
    cv_routing: 'Whose duty', cv_routed_to: 'Routed to', cv_rule: 'rule #{id}',
    cv_owner: 'First receiver', cv_handler_now: 'Handler now', cv_department: 'Referred to', cv_resolved_tier: 'Resolved at',
    cv_counts: 'escalated {e} times, reopened {r} times',
    cv_place: 'Place', cv_community: 'Community', cv_grid: 'Grid', cv_compound: 'Compound',
    cv_red_in: "inside the compound's red line (the property company's)", cv_red_out: 'outside any red line (public space)',
    cv_address: 'Address', cv_coords: 'Coordinates', cv_map: "Map: the grid, compounds' red lines and the spot",
    cv_map_failed: 'The map cannot be shown: {msg}',
    cv_reporter: 'Reporter', cv_reporter_note: 'Personal data: for handling this case only.', cv_name: 'Name',
    cv_phone: 'Phone', cv_email: 'Email', cv_callback: 'Follow-up', cv_callback_yes: 'may be called back',
    cv_callback_no: 'does not want to be called back', cv_no_contact: 'left no name or contact', cv_external: 'Hotline ticket',
    cv_photos: 'Photos', cv_photos_hidden: '{n} photos (only staff in charge may see them)', cv_photo_alt: 'photo {n}',
    cv_no_photos: 'No photos',
    cv_dups: 'Same problem nearby', cv_dups_hint: 'Open cases of this category close by: merge a repeated report.',
    cv_dups_none: 'No open case of this category nearby.', cv_distance: '{m} m away', cv_merge_here: 'Merge into #{id}',
    cv_actions: 'Actions', cv_no_actions: 'There is nothing for you to do on this case now.',
    cv_refused: 'Not done: {msg}', cv_done: 'Done: {action}', cv_busy: 'Sending…',
    cv_timeline: 'Timeline', cv_public: 'public', cv_internal: 'internal', cv_rating: 'Rating',
    cv_solved_yes: 'solved', cv_solved_no: 'not solved', cv_sat_satisfied: 'satisfied',
    cv_sat_basically_satisfied: 'basically satisfied', cv_sat_unsatisfied: 'unsatisfied', cv_merged_into: 'merged into #{id}',
    act_accept: 'Accept', act_dispatch: 'Dispatch', act_contact: 'Record contact', act_start: 'Start work',
    act_note: 'Add a note', act_escalate: 'Escalate', act_refer: 'Refer to a department', act_report_back: 'Report back',
    act_return: 'Return', act_resolve: 'Resolve', act_rate: 'Record rating', act_reopen: 'Reopen', act_close: 'Close',
    act_merge: 'Merge', act_invalidate: 'Mark invalid',
    f_handler: 'Dispatch to', f_as_routed: 'As routed: {name}',
    f_routed_dept: "When the rule names a department, dispatching as routed refers it there (with the category's resolve period).",
    f_handler_org: 'Property company', f_handler_org_default: "the compound's company on record",
    f_contact_text: 'How it went (optional)', f_note_text: 'Note', f_public: 'Public: the reporter and everyone can read it',
    f_escalate_text: 'Why this tier cannot solve it', f_department: 'Department', f_due: 'Department deadline (Beijing time, optional)',
    f_due_hint: "Empty: the category's resolve period.", f_refer_text: 'Note for the department (optional)',
    f_report_text: 'What the department did', f_return_text: 'Why it is not yours', f_resolve_text: 'What was done',
    f_photos: 'Photos (optional, up to 6)', f_photos_hint: 'JPEG, PNG or WebP, at most 8 MB each.',
    f_rate_hint: "After a follow-up call, record the reporter's answers. Not solved or unsatisfied reopens it.",
    f_solved: 'Was it solved?', f_satisfaction: 'How satisfied', f_comment: "The reporter's comment (optional)",
    f_reopen_text: 'Why it needs rework', f_close_text: 'Why close it now',
    f_close_hint: 'Closing before the rating period ends needs a reason, e.g. the reporter cannot be reached.',
    f_merge_into: 'Merge into case (number)', f_merge_hint: "This case's reporter will follow the other case.",
    f_invalidate_text: 'Why it is not a real request', f_photos_added: '{n} photos uploaded',
  },
};
addTexts(TEXTS);

export const title = 'cv_title';

/** A catalogue text written "中文 / English" (the Open311 attributes carry both in one string): the current language's half. */
const bilingual = (s) => {
  const parts = String(s).split(' / ');
  return parts.length === 2 ? parts[lang === 'en' ? 1 : 0].trim() : String(s);
};

/** One of this page's vocabulary texts by code, or the code when unknown. */
const own = (prefix, code) => (code && `${prefix}_${code}` in TEXTS.zh ? t(`${prefix}_${code}`) : code || '');

/** The order of the action buttons: the next step of the usual path first. */
const ORDER = ['accept', 'dispatch', 'start', 'contact', 'report_back', 'resolve', 'rate', 'close', 'refer', 'escalate',
  'return', 'reopen', 'merge', 'invalidate', 'note'];
const PRIMARY = new Set(['accept', 'dispatch', 'start', 'report_back', 'resolve', 'rate']);
/** Actions that need nothing: one click. */
const DIRECT = new Set(['accept', 'start']);
const TIERS = ['grid', 'community', 'street'];

const categoryCache = new Map();
function category(code) {
  if (!categoryCache.has(code)) {
    const p = api(`/api/v1/categories/${encodeURIComponent(code)}`);
    p.catch(() => categoryCache.delete(code));
    categoryCache.set(code, p);
  }
  return categoryCache.get(code);
}

let departments;
function loadDepartments() {
  if (!departments) {
    departments = api('/api/v1/organisations', { query: { kind: 'district_department', limit: 1000 } })
      .then((r) => r.items);
    departments.catch(() => { departments = null; });
  }
  return departments;
}

const section = (cls, heading, ...body) =>
  h('section', { class: `card cv-${cls}`, 'aria-labelledby': `cv-h-${cls}` },
    h('h2', { id: `cv-h-${cls}` }, heading), ...body);

/** A definition list from [label, value] pairs, leaving out empty values. */
const dl = (pairs) => h('dl', { class: 'cv-dl' },
  pairs.filter(([, v]) => v !== null && v !== undefined && v !== '' && v !== false)
    .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));

export async function render(root, { params }) {
  styles('case');
  const id = Number(params[0]);
  let me = null;
  try {
    me = await whoami();
  } catch {
    /* the case itself says whether the server is there */
  }
  let k;
  try {
    k = await api(`/api/v1/cases/${id}`);
  } catch (e) {
    if (e.status === 404) {
      root.replaceChildren(h('section', { class: 'card' }, h('h1', {}, t('cv_title')),
        h('p', { role: 'alert' }, t('cv_not_found', { id })), backLink(me)));
      return;
    }
    throw e; // the router shows the error with a retry
  }
  const ctx = { id, me, root, notice: null, place: null, view: k.view };
  draw(ctx, k);
}

function backLink(me) {
  if (!isStaff(me)) return null;
  return h('p', { class: 'cv-back' }, h('a', { href: sessionStorage.getItem('work-hash') || '#/work' }, `← ${t('cv_back')}`));
}

/** Draws the whole page from a case as the server gave it. */
function draw(ctx, k) {
  // an action's answer is the case as this caller sees it, without `view`
  ctx.view = k.view || ('reporter' in k ? 'staff' : 'public');
  const staff = ctx.view === 'staff';
  ctx.place ??= placeCard(k); // the place does not change: keep the map
  const main = h('div', { class: 'cv-main' },
    summaryCard(k),
    actionsCard(ctx, k),
    timelineCard(k, staff),
    ctx.place);
  const side = h('div', { class: 'cv-side' },
    deadlinesCard(k),
    staff && k.reporter ? reporterCard(k) : null,
    routingCard(k),
    photosCard(k, staff),
    staff && k.open && k.state !== 'resolved' ? duplicatesCard(ctx, k) : null);
  const hint = !staff && isStaff(ctx.me) ? h('p', { class: 'cv-note', role: 'note' }, t('cv_public_only'))
    : !ctx.me ? h('p', { class: 'cv-note' }, t('cv_sign_in_to_act'), ' ',
      h('a', { href: `#/login?next=/case/${k.id}` }, t('sign_in'))) : null;
  const what = pick({ name: k.service_name, name_en: k.service_name_en });
  document.title = `#${k.id} ${what} · ${t('brand')}`;
  ctx.root.replaceChildren(h('div', { class: 'cv-page' },
    backLink(ctx.me),
    h('header', { class: 'cv-head' },
      h('h1', { tabindex: '-1' }, h('span', { class: 'cv-id' }, `#${k.id}`), ' ', what),
      h('p', { class: 'cv-badges' }, stateBadge(k.state), ' ', tierBadge(k.tier), ' ',
        k.open && k.due_at && new Date(k.due_at).getTime() < Date.now()
          ? h('span', { class: 'badge bad' }, t('cv_late')) : null,
        k.merged_into ? h('a', { class: 'badge', href: `#/case/${k.merged_into}` }, t('cv_merged_into', { id: k.merged_into }))
          : null),
      h('p', { class: 'muted cv-sub' },
        t('cv_reported', { time: fmtTime(k.submitted_at), channel: term('ch', k.channel) }), ' · ',
        t('wb_handler', { name: handlerText(k.handler) }))),
    hint,
    h('div', { class: 'cv-layout' }, main, side)));
}

// ---- what, where, whose --------------------------------------------------------

function summaryCard(k) {
  const attrs = h('div', { class: 'cv-attrs' });
  const entries = Object.entries(k.attributes || {});
  if (entries.length) {
    const show = (defs) => {
      const byCode = new Map((defs || []).map((a) => [a.code, a]));
      attrs.replaceChildren(h('h3', {}, t('cv_attributes')), dl(entries.map(([code, v]) => {
        const def = byCode.get(code);
        const name = (x) => {
          const hit = def && (def.values || []).find((o) => o.key === x);
          return hit ? bilingual(hit.name) : String(x);
        };
        return [def && def.description ? bilingual(def.description) : code,
          Array.isArray(v) ? v.map(name).join('、') : name(v)];
      })));
    };
    show(null);
    category(k.service_code).then((c) => show(c.attributes), () => {});
  }
  return section('summary', t('cv_description'),
    h('p', { class: 'cv-desc' }, k.description),
    attrs);
}

function routingCard(k) {
  const r = k.routing || {};
  const reason = lang === 'en' ? (r.reason_en || r.reason) : (r.reason || r.reason_en);
  return section('routing', t('cv_routing'),
    h('p', { class: 'cv-reason' }, reason || t('cv_none')),
    dl([
      [t('cv_routed_to'), r.handler ? handlerText(r.handler) : null],
      [t('cv_owner'), r.owner ? pick(r.owner) : null],
      [t('cv_handler_now'), handlerText(k.handler)],
      [t('cv_department'), k.department ? pick(k.department) : null],
      [t('cv_resolved_tier'), k.resolved_tier ? term('tier', k.resolved_tier) : null],
      ['', k.escalated_count || k.reopened_count
        ? t('cv_counts', { e: k.escalated_count, r: k.reopened_count }) : null],
    ]),
    r.rule_id ? h('p', { class: 'hint' }, t('cv_rule', { id: r.rule_id })) : null);
}

function placeCard(k) {
  const mapBox = h('div', { class: 'map cv-map', role: 'img', 'aria-label': t('cv_map') });
  const card = section('place', t('cv_place'),
    dl([
      [t('cv_community'), k.community ? pick(k.community) : null],
      [t('cv_grid'), k.grid ? pick(k.grid) : null],
      [t('cv_compound'), k.compound ? pick(k.compound) : null],
      ['', h('span', { class: `cv-red ${k.inside_red_line ? 'in' : 'out'}` }, k.inside_red_line ? t('cv_red_in') : t('cv_red_out'))],
      [t('cv_address'), k.address],
      [t('cv_coords'), k.lat !== null && k.lat !== undefined ? `${k.lat.toFixed(5)}, ${k.long.toFixed(5)}` : null],
    ]),
    k.lat !== null && k.lat !== undefined ? mapBox : null);
  if (k.lat !== null && k.lat !== undefined) drawMap(mapBox, k);
  return card;
}

/** The spot on the street map, framed by its grid, with the compounds' red lines around it. */
async function drawMap(box, k) {
  try {
    const { streetMap } = await import('../map.js');
    // wait until the box is in the page: Leaflet measures it
    await new Promise((r) => requestAnimationFrame(() => r()));
    const { L, map } = await streetMap(box, { detail: false });
    const bounds = L.latLngBounds([[k.lat, k.long], [k.lat, k.long]]);
    if (k.grid) {
      const [grid, compounds] = await Promise.all([
        api(`/api/v1/areas/${k.grid.id}`),
        api('/api/v1/areas', { query: { kind: 'compound', parent: k.grid.id } }),
      ]);
      const g = L.geoJSON(grid, { style: () => ({ color: '#6d4c41', weight: 2, dashArray: '5 4', fill: false }), interactive: false })
        .addTo(map);
      bounds.extend(g.getBounds());
      L.geoJSON(compounds, {
        style: (f) => ({
          color: '#c62828', weight: k.compound && f.properties.id === k.compound.id ? 3 : 1.5, fillOpacity: 0.08,
        }),
        onEachFeature: (f, layer) => layer.bindTooltip(pick(f.properties), { sticky: true }),
      }).addTo(map);
    }
    L.circleMarker([k.lat, k.long], { radius: 8, color: '#0550ae', weight: 3, fillColor: '#fff', fillOpacity: 1 })
      .bindTooltip(`#${k.id}`, { permanent: false }).addTo(map);
    map.fitBounds(bounds.pad(0.05), { animate: false });
    box.dataset.ready = 'true';
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error' }, t('cv_map_failed', { msg: e.message })));
  }
}

function reporterCard(k) {
  const r = k.reporter;
  const any = r.name || r.phone || r.email;
  return section('reporter', t('cv_reporter'),
    any ? dl([
      [t('cv_name'), r.name],
      [t('cv_phone'), r.phone ? h('a', { href: `tel:${r.phone.replace(/[^\d+]/g, '')}`, class: 'cv-phone' }, r.phone) : null],
      [t('cv_email'), r.email ? h('a', { href: `mailto:${r.email}` }, r.email) : null],
      [t('cv_callback'), r.contact_ok ? t('cv_callback_yes') : t('cv_callback_no')],
      [t('cv_external'), k.external_id],
    ]) : h('p', { class: 'muted' }, t('cv_no_contact')),
    h('p', { class: 'hint' }, t('cv_reporter_note')));
}

// ---- the clocks ---------------------------------------------------------------------

function deadlinesCard(k) {
  const tm = k.times || {};
  const d = k.deadlines || {};
  const done = (at, due) => h('span', {}, t('cv_done_at', { time: fmtTime(at) }), ' ',
    due ? h('span', { class: `badge ${new Date(at) <= new Date(due) ? 'done' : 'bad'}` },
      new Date(at) <= new Date(due) ? t('cv_on_time') : t('cv_late')) : null);
  const handling = ['accepted', 'dispatched', 'in_progress', 'returned', 'reopened'].includes(k.state);
  const rows = [
    [t('cv_d_accept'), tm.accepted_at ? done(tm.accepted_at, d.accept)
      : k.state === 'submitted' && d.accept ? countdown(d.accept) : t('cv_none')],
    [t('cv_d_contact'), tm.contacted_at ? done(tm.contacted_at, d.contact)
      : (k.state === 'submitted' || handling) && d.contact ? countdown(d.contact) : t('cv_none')],
    [t('cv_d_resolve'), tm.resolved_at && !handling ? done(tm.resolved_at, d.resolve)
      : (k.state === 'submitted' || handling) && d.resolve ? countdown(d.resolve) : t('cv_none')],
  ];
  if (d.referral) rows.push([t('cv_d_referral'), k.handler && k.handler.kind === 'department' ? countdown(d.referral) : fmtTime(d.referral)]);
  return section('deadlines', t('cv_deadlines'),
    k.open && k.due_at ? h('p', { class: 'cv-now-due' }, h('span', {}, dueLabel(k.state)), countdown(k.due_at)) : null,
    dl(rows),
    k.rating ? h('div', { class: 'cv-rating' }, h('h3', {}, t('cv_rating')),
      h('p', {}, own('cv_solved', k.rating.solved), ' · ', own('cv_sat', k.rating.satisfaction),
        k.rating.rated_at ? ` · ${fmtTime(k.rating.rated_at)}` : ''),
      k.rating.comment ? h('p', { class: 'cv-text' }, k.rating.comment) : null) : null);
}

// ---- the story -----------------------------------------------------------------------

function timelineCard(k, staff) {
  const events = k.timeline || [];
  const r = k.routing || {};
  // the report's event carries the routing reason as it was given, in Chinese: the English one is on the case
  const text = (e) => (lang === 'en' && e.action === 'report' && e.text === r.reason && r.reason_en ? r.reason_en : e.text);
  return section('timeline', t('cv_timeline'),
    events.length ? h('ol', {}, events.map((e) => {
      const who = e.actor_role ? term('role', e.actor_role) : '';
      const name = staff && e.actor ? e.actor.replace(/^user:/, '') : '';
      const actor = name && who ? (lang === 'en' ? `${name} (${who})` : `${name}（${who}）`) : name || who;
      const moved = e.from_state && e.to_state && e.from_state !== e.to_state
        ? `${term('st', e.from_state)} → ${term('st', e.to_state)}` : !e.from_state && e.to_state ? term('st', e.to_state) : '';
      return h('li', { class: e.public ? 'public' : 'internal', dataset: { action: e.action } },
        h('div', { class: 'cv-ev-head' },
          h('strong', {}, pick({ name: e.action_name, name_en: e.action_name_en }) || e.action),
          staff ? h('span', { class: `badge ${e.public ? 'public' : 'internal'}` }, e.public ? t('cv_public') : t('cv_internal'))
            : null,
          h('time', { class: 'cv-ev-meta', datetime: e.at }, fmtTime(e.at))),
        h('div', { class: 'cv-ev-meta' },
          [moved, e.tier ? term('tier', e.tier) : '', e.handler && e.handler !== 'none' ? term('hd', e.handler) : '', actor]
            .filter(Boolean).join(' · ')),
        e.text ? h('p', { class: 'cv-ev-text' }, text(e)) : null);
    })) : h('p', { class: 'muted' }, t('no_items')));
}

// ---- photos and duplicates ---------------------------------------------------------

function photosCard(k, staff) {
  const photos = k.photos || [];
  if (!photos.length) return staff ? section('photos', t('cv_photos'), h('p', { class: 'muted' }, t('cv_no_photos'))) : null;
  if (!staff) return section('photos', t('cv_photos'), h('p', { class: 'muted' }, t('cv_photos_hidden', { n: photos.length })));
  return section('photos', t('cv_photos'),
    h('ul', { class: 'cv-photos plain' }, photos.map((p, i) => {
      const src = `/api/v1/cases/${k.id}/photos/${encodeURIComponent(p.hash)}`;
      return h('li', {}, h('a', { href: src, target: '_blank', rel: 'noopener' },
        h('img', { src, alt: t('cv_photo_alt', { n: i + 1 }) })));
    })));
}

function duplicatesCard(ctx, k) {
  const body = h('div', {}, h('p', { class: 'status' }, t('loading')));
  const card = section('dups', t('cv_dups'), h('p', { class: 'hint' }, t('cv_dups_hint')), body);
  const mergeable = (k.allowed_actions || []).includes('merge');
  api(`/api/v1/cases/${k.id}/duplicates`).then((r) => {
    ctx.duplicates = r.items;
    if (!r.items.length) {
      body.replaceChildren(h('p', { class: 'muted' }, t('cv_dups_none')));
      return;
    }
    body.replaceChildren(h('ul', { class: 'cv-dups plain' }, r.items.map((d) => h('li', { dataset: { id: String(d.id) } },
      h('a', { href: `#/case/${d.id}` }, `#${d.id}`), ' ', stateBadge(d.state), ' ',
      h('span', { class: 'muted' }, t('cv_distance', { m: d.distance_m })),
      h('p', { class: 'cv-dup-desc' }, d.description),
      mergeable ? h('button', {
        type: 'button', class: 'cv-merge-here',
        onclick: () => ctx.openAction && ctx.openAction('merge', { merge_into: d.id }),
      }, t('cv_merge_here', { id: d.id })) : null))));
  }, (e) => {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('failed', { msg: e.message })));
  });
  return card;
}

// ---- actions ---------------------------------------------------------------------------

function actionsCard(ctx, k) {
  // contact is counted once: after the first contact later calls are notes
  const acts = ORDER.filter((a) => (k.allowed_actions || []).includes(a))
    .filter((a) => !(a === 'contact' && k.times && k.times.contacted_at));
  if (ctx.view !== 'staff' && !acts.length && !ctx.notice) return null;
  const notice = ctx.notice
    ? h('p', { class: 'cv-refused', role: 'alert', tabindex: '-1' }, t('cv_refused', { msg: ctx.notice })) : null;
  ctx.notice = null;
  const panel = h('div', { class: 'cv-panel' });
  const buttons = {};
  const open = (action, preset = {}) => {
    for (const [a, b] of Object.entries(buttons)) b.setAttribute('aria-expanded', a === action ? 'true' : 'false');
    const form = actionForm(ctx, k, action, preset, () => {
      panel.replaceChildren();
      buttons[action].setAttribute('aria-expanded', 'false');
      buttons[action].focus();
    });
    panel.replaceChildren(form);
    form.querySelector('input:not([type=hidden]), select, textarea, button')?.focus();
  };
  ctx.openAction = (action, preset) => {
    if (!buttons[action]) return;
    open(action, preset);
    panel.scrollIntoView({ block: 'nearest' });
  };
  for (const a of acts) {
    buttons[a] = h('button', {
      type: 'button', class: PRIMARY.has(a) ? 'primary' : false, dataset: { action: a },
      'aria-expanded': DIRECT.has(a) ? false : 'false', 'aria-controls': DIRECT.has(a) ? false : 'cv-panel',
      onclick: (ev) => (DIRECT.has(a) ? submitDirect(ctx, k, a, ev.currentTarget) : open(a)),
    }, t(`act_${a}`));
  }
  panel.id = 'cv-panel';
  return section('actions', t('cv_actions'),
    notice,
    acts.length ? h('div', { class: 'actions cv-buttons' }, acts.map((a) => buttons[a]))
      : h('p', { class: 'muted' }, t('cv_no_actions')),
    panel);
}

/** Sends one step; on success draws the page from the answer. */
async function send(ctx, k, body) {
  const ans = await api(`/api/v1/cases/${k.id}/actions`, { method: 'POST', json: body });
  toast(t('cv_done', { action: t(`act_${body.action}`) }));
  draw(ctx, ans);
  // on to the next step: its button, or the heading when nothing is left to do
  (ctx.root.querySelector('.cv-buttons button') || ctx.root.querySelector('.cv-head h1'))?.focus();
}

/**
 * A refusal: at the field the server named when the form has it; otherwise
 * (not in this state, not this person: the case moved on) above the actions,
 * with the case as it is now.
 */
async function refused(ctx, k, form, e) {
  const name = e.field && e.field.split(/[.[]/)[0];
  if (form && name && form.querySelector(`[name="${CSS.escape(name)}"]`)) {
    showFieldError(form, e);
    return;
  }
  if (e.status === 409 || e.status === 403 || !form) {
    ctx.notice = e.message;
    try {
      draw(ctx, await api(`/api/v1/cases/${k.id}`));
    } catch {
      draw(ctx, k);
    }
    ctx.root.querySelector('.cv-refused')?.focus?.();
    return;
  }
  showFieldError(form, e);
}

async function submitDirect(ctx, k, action, button) {
  button.disabled = true;
  button.textContent = t('cv_busy');
  try {
    await send(ctx, k, { action });
  } catch (e) {
    await refused(ctx, k, null, e);
  }
}

const textarea = (name, required) => h('textarea', { name, rows: '3', required: required || false, maxlength: '4000' });

/** The form of one action, with the fields it requires. */
function actionForm(ctx, k, action, preset, cancel) {
  const controls = [];
  let photoInput = null;
  let uploaded = 0;
  switch (action) {
    case 'dispatch': {
      const routed = k.routing && k.routing.handler;
      const handler = h('select', { name: 'handler' },
        h('option', { value: '' }, t('f_as_routed', { name: routed ? handlerText(routed) : t('cv_none') })));
      const tier = TIERS.indexOf(k.tier);
      if (k.grid) handler.append(h('option', { value: 'grid_worker' }, `${t('hd_grid_worker')} · ${pick(k.grid)}`));
      if (tier >= 1 && k.community) handler.append(h('option', { value: 'community_office' }, `${t('hd_community_office')} · ${pick(k.community)}`));
      if (tier >= 2 && k.street) handler.append(h('option', { value: 'street_office' }, `${t('hd_street_office')} · ${pick(k.street)}`));
      handler.append(h('option', { value: 'property_company' }, t('hd_property_company')));
      const org = h('select', { name: 'handler_org' }, h('option', { value: '' }, t('f_handler_org_default')));
      const orgField = field(t('f_handler_org'), org);
      orgField.hidden = true;
      let orgsLoaded = false;
      handler.addEventListener('change', () => {
        orgField.hidden = handler.value !== 'property_company';
        if (!orgField.hidden && !orgsLoaded && k.community) {
          orgsLoaded = true;
          api('/api/v1/organisations', { query: { kind: 'property_company', area: k.community.id, limit: 1000 } })
            .then((r) => org.append(...r.items.map((o) => h('option', { value: o.code }, pick(o)))), () => {});
        }
      });
      controls.push(field(t('f_handler'), handler, routed && routed.kind === 'department' ? t('f_routed_dept') : null),
        orgField);
      break;
    }
    case 'contact':
      controls.push(field(t('f_contact_text'), textarea('text')));
      break;
    case 'note':
      controls.push(field(t('f_note_text'), textarea('text', true)),
        h('div', { class: 'field check', dataset: { field: 'public' } },
          h('label', {}, h('input', { type: 'checkbox', name: 'public' }), ' ', t('f_public'))));
      break;
    case 'escalate':
      controls.push(field(t('f_escalate_text'), textarea('text', true)));
      break;
    case 'refer': {
      const dept = h('select', { name: 'department', required: true }, h('option', { value: '' }, '—'));
      loadDepartments().then((items) => {
        const routed = k.routing && k.routing.handler && k.routing.handler.kind === 'department' && k.routing.handler.of;
        dept.append(...items.map((o) => h('option', { value: o.code, selected: routed && routed.code === o.code }, pick(o))));
      }, () => {});
      controls.push(field(t('f_department'), dept),
        field(t('f_due'), h('input', { name: 'due', type: 'datetime-local' }), t('f_due_hint')),
        field(t('f_refer_text'), textarea('text')));
      break;
    }
    case 'report_back':
      controls.push(field(t('f_report_text'), textarea('text', true)));
      break;
    case 'return':
      controls.push(field(t('f_return_text'), textarea('text', true)));
      break;
    case 'resolve':
      photoInput = h('input', { name: 'photo', type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/webp' });
      controls.push(field(t('f_resolve_text'), textarea('text', true)), field(t('f_photos'), photoInput, t('f_photos_hint')));
      break;
    case 'rate': {
      const radios = (name, values, prefix) => h('div', { class: 'field', dataset: { field: name } },
        h('fieldset', { class: 'cv-radios' }, h('legend', {}, t(name === 'solved' ? 'f_solved' : 'f_satisfaction')),
          values.map((v) => h('label', {}, h('input', { type: 'radio', name, value: v, required: true }), ' ', t(`${prefix}_${v}`)))));
      controls.push(h('p', { class: 'hint' }, t('f_rate_hint')),
        radios('solved', ['yes', 'no'], 'cv_solved'),
        radios('satisfaction', ['satisfied', 'basically_satisfied', 'unsatisfied'], 'cv_sat'),
        field(t('f_comment'), textarea('comment')));
      break;
    }
    case 'reopen':
      controls.push(field(t('f_reopen_text'), textarea('text', true)));
      break;
    case 'close':
      controls.push(field(t('f_close_text'), textarea('text', true), t('f_close_hint')));
      break;
    case 'merge': {
      const input = h('input', { name: 'merge_into', type: 'number', min: '1', step: '1', inputmode: 'numeric',
        value: preset.merge_into ? String(preset.merge_into) : '' });
      const opts = (ctx.duplicates || []).map((d) => h('option', { value: String(d.id) }, `#${d.id} ${d.description.slice(0, 30)}`));
      controls.push(field(t('f_merge_into'), input, t('f_merge_hint')));
      if (opts.length) {
        const list = h('datalist', { id: `cv-dups-${k.id}` }, opts);
        input.setAttribute('list', list.id);
        controls.push(list);
      }
      break;
    }
    case 'invalidate':
      controls.push(field(t('f_invalidate_text'), textarea('text', true)));
      break;
    default:
      break;
  }
  const submit = h('button', { type: 'submit', class: 'primary' }, t(`act_${action}`));
  const form = h('form', { class: 'cv-form', novalidate: true, dataset: { action } },
    h('h3', {}, t(`act_${action}`)),
    controls,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', onclick: cancel }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const old of form.querySelectorAll('.field-error')) old.remove();
    const body = { action };
    const fd = new FormData(form);
    for (const name of ['text', 'handler', 'handler_org', 'department', 'solved', 'satisfaction', 'comment']) {
      const v = fd.get(name);
      if (typeof v === 'string' && v.trim() !== '') body[name] = v;
    }
    if (action === 'note') body.public = fd.get('public') === 'on';
    const due = fd.get('due');
    if (due) body.due = `${due.length === 16 ? `${due}:00` : due}+08:00`;
    const into = fd.get('merge_into');
    if (into) body.merge_into = /^\d+$/.test(into) ? Number(into) : into;
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = t('cv_busy');
    try {
      if (photoInput && photoInput.files.length) {
        const up = new FormData();
        for (const f of photoInput.files) up.append('photo', f, f.name);
        const r = await api(`/api/v1/cases/${k.id}/photos`, { method: 'POST', body: up });
        uploaded += r.items.length;
        photoInput.value = ''; // uploaded: a second try does not send them again
        photoInput.closest('.field').querySelector('.hint').textContent = t('f_photos_added', { n: uploaded });
      }
      await send(ctx, k, body);
    } catch (e) {
      submit.disabled = false;
      submit.textContent = label;
      await refused(ctx, k, form, e);
    }
  });
  return form;
}
