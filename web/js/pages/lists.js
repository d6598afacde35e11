// lists: the three lists (三张清单) kept by each community and the member
// units of its big party committee — needs (需求清单), resources the units
// offer (资源清单) and projects that bind them (项目清单), with one plan per
// community (一社区一方案).
//  '#/lists'       the street: pick a community; the street-wide figures
//                  (GET /api/v1/stats/lists, over a period), each
//                  community's, the units' track record, the plans, case hot
//                  spots that may call for a need, and a member unit's own
//                  claims;
//  '#/lists/CODE'  a community's public board: its plan and goals with
//                  progress, demonstration sites, needs (with live deadlines
//                  and ranked match suggestions with their reasons),
//                  resources (what is left), projects (progress bars,
//                  milestones, sub-projects) and claims. A member unit
//                  claims a need (认领), with one of its own resources or
//                  without; the community's staff raise needs and confirm or
//                  decline claims; a unit withdraws its own pending claim.
import {
  addTexts, api, countdown, fmtTime, h, lang, pick, showFieldError, styles, t, toast, whoami,
} from '../core.js';

addTexts({
  zh: {
    lists_title: '三张清单', lists_board_title: '{name} · 三张清单',
    lists_lead: '社区与“大党委”成员单位共同梳理需求清单、资源清单和项目清单：提出需求，成员单位提供资源、认领需求，项目把资源和需求对接起来并跟进到完成。',
    lists_pick: '选择社区', lists_pick_label: '社区', lists_open: '打开清单',
    lists_street: '全街道', lists_period: '统计期间', lists_from: '开始日期', lists_to: '结束日期', lists_show: '统计',
    lists_all_time: '全部时间', lists_period_all: '全部时间的数据', lists_period_is: '{from} 至 {to}',
    lists_needs: '需求清单', lists_resources: '资源清单', lists_projects: '项目清单',
    lists_raised: '提出', lists_met: '已满足', lists_offered: '提供', lists_commitments: '承诺', lists_delivered: '兑现',
    lists_started: '启动', lists_done: '完成', lists_by_status: '按状态', lists_by_kind: '按类别',
    lists_by_community: '各社区', lists_by_unit: '成员单位履约情况',
    lists_by_unit_hint: '提供资源、认领需求、承诺和兑现的次数：匹配建议也参考这份记录。',
    lists_col_community: '社区', lists_col_unit: '单位', lists_col_needs: '需求', lists_col_met: '已满足',
    lists_col_resources: '资源', lists_col_delivered: '兑现', lists_col_projects: '项目', lists_col_done: '完成',
    lists_col_claims: '认领', lists_col_confirmed: '确认', lists_col_commitments: '承诺',
    lists_plans: '一社区一方案', lists_plan_goals: '{n} 个目标', lists_plan_year: '{year} 年',
    lists_hotspots: '诉求热点', lists_hotspots_hint: '近 {days} 天同一网格同类诉求较多的地方，可能需要列入需求清单。',
    lists_hotspot_line: '{cases} 件（未办结 {open}）', lists_hotspot_needs: '已有 {n} 项相关需求',
    lists_hotspot_raise: '据此提出需求', lists_hotspot_title: '{grid}：{category}问题集中',
    lists_my_claims: '本单位的认领', lists_no_claims: '还没有认领记录。',
    lists_back: '三张清单', lists_network: '“大党委”网络', lists_switch: '切换社区',
    lists_no_community: '没有编码为 {code} 的社区。',
    lists_demo_sites: '示范点', lists_demo_since: '{d} 起',
    lists_plan: '社区方案', lists_no_plan: '本社区还没有方案。', lists_goal_projects: '项目：',
    lists_progress: '进度 {p}%', lists_filter: '按状态筛选', lists_all: '全部',
    lists_need_open: '待认领', lists_need_matched: '已认领', lists_need_in_project: '实施中', lists_need_met: '已满足', lists_need_closed: '已关闭',
    lists_lk_venue: '场地', lists_lk_funding: '资金', lists_lk_volunteers: '志愿者', lists_lk_expertise: '专业技能', lists_lk_equipment: '物资设备',
    lists_lk_service: '服务', lists_lk_other: '其他',
    lists_urg_low: '不急', lists_urg_normal: '一般', lists_urg_high: '较急', lists_urg_urgent: '紧急',
    lists_src_community: '社区', lists_src_compound_branch: '小区党支部', lists_src_resident: '居民', lists_src_meeting: '会议',
    lists_src_case_hotspot: '诉求热点', lists_src_member_unit: '成员单位',
    lists_res_available: '可用', lists_res_committed: '已全部承诺', lists_res_used_up: '已用完', lists_res_withdrawn: '已撤回',
    lists_prj_planned: '计划中', lists_prj_active: '进行中', lists_prj_done: '已完成', lists_prj_cancelled: '已取消',
    lists_plan_draft: '草案', lists_plan_active: '实施中', lists_plan_closed: '已结束',
    lists_clm_pending: '待社区确认', lists_clm_confirmed: '已确认', lists_clm_declined: '未采纳', lists_clm_withdrawn: '已撤回',
    lists_need_qty: '需要 {q}', lists_beneficiaries: '受益 {n} 人', lists_wanted_by: '期望 {d} 前',
    lists_matches: '匹配建议', lists_matches_hide: '收起匹配建议', lists_no_matches: '暂时没有合适的资源。',
    lists_score: '匹配度 {s}', lists_km: '{km} 公里', lists_covers: '可满足 {q}', lists_from_date: '{d} 起可用',
    lists_claim: '认领', lists_claim_with: '用此资源认领', lists_claim_title: '认领“{title}”',
    lists_claim_resource: '使用本单位的资源', lists_claim_no_resource: '不指定资源',
    lists_claim_quantity: '数量', lists_claim_note: '说明（可选）',
    lists_claim_note_hint: '例如可提供的时间、联系方式由社区另行约定。', lists_claim_submit: '提交认领',
    lists_claimed: '已认领，等待社区确认。', lists_claim_left: '剩余 {q}',
    lists_claims: '认领记录', lists_claims_hint: '成员单位认领需求后，由社区确认并转为项目。',
    lists_claim_line: '{unit} 认领',
    lists_confirm: '确认并立项', lists_decline: '不采纳', lists_withdraw: '撤回认领',
    lists_confirmed: '已确认，已转为项目。', lists_declined: '已不采纳。', lists_withdrawn: '已撤回认领。',
    lists_committed: '已承诺 {c} / {q}，剩余 {r}', lists_avail: '可用时间', lists_every_day: '每天',
    lists_weekdays: '周一,周二,周三,周四,周五,周六,周日', lists_conditions: '条件：{c}',
    lists_own: '社区自有', lists_units: '参与单位：{names}', lists_dates: '{from} 至 {to}',
    lists_milestones: '里程碑', lists_children: '子项目', lists_ms_done: '{d} 完成', lists_ms_due: '计划 {d}',
    lists_raise: '提出需求', lists_raise_title: '提出新需求', lists_f_title: '需求名称', lists_f_kind: '类别',
    lists_f_quantity: '数量', lists_f_unit: '计量单位', lists_f_unit_hint: '如 人、场、元、处',
    lists_f_beneficiaries: '受益人数', lists_f_urgency: '紧急程度', lists_f_wanted_by: '期望完成日期',
    lists_f_description: '说明', lists_f_source: '来源', lists_raised_ok: '需求已列入清单。',
    lists_goals: '{n} 个目标及其进度', lists_mine: '本单位', lists_score_label: '匹配度', lists_sign_in_hint: '“大党委”成员单位登录后可以认领需求。',
  },
  en: {
    lists_title: 'Three lists', lists_board_title: '{name} · three lists',
    lists_lead: "A community and the member units of its big party committee keep three lists together: needs, the resources the units offer, and the projects that match resources to needs and follow them to the end.",
    lists_pick: 'Choose a community', lists_pick_label: 'Community', lists_open: 'Open its lists',
    lists_street: 'The whole street', lists_period: 'Period', lists_from: 'From', lists_to: 'To', lists_show: 'Count',
    lists_all_time: 'All time', lists_period_all: 'Figures over all time', lists_period_is: '{from} to {to}',
    lists_needs: 'Needs', lists_resources: 'Resources', lists_projects: 'Projects',
    lists_raised: 'raised', lists_met: 'met', lists_offered: 'offered', lists_commitments: 'committed',
    lists_delivered: 'delivered', lists_started: 'started', lists_done: 'done', lists_by_status: 'By status',
    lists_by_kind: 'By kind', lists_by_community: 'By community', lists_by_unit: "Member units' track record",
    lists_by_unit_hint: 'Resources offered, needs claimed, commitments and deliveries: the match suggestions weigh this record too.',
    lists_col_community: 'Community', lists_col_unit: 'Unit', lists_col_needs: 'Needs', lists_col_met: 'Met',
    lists_col_resources: 'Resources', lists_col_delivered: 'Delivered', lists_col_projects: 'Projects', lists_col_done: 'Done',
    lists_col_claims: 'Claims', lists_col_confirmed: 'Confirmed', lists_col_commitments: 'Commitments',
    lists_plans: 'One plan per community', lists_plan_goals: '{n} goals', lists_plan_year: '{year}',
    lists_hotspots: 'Case hot spots', lists_hotspots_hint: 'Grids with many cases of one kind in the last {days} days: they may call for a need.',
    lists_hotspot_line: '{cases} cases ({open} open)', lists_hotspot_needs: '{n} needs raised from it',
    lists_hotspot_raise: 'Raise a need from it', lists_hotspot_title: '{grid}: recurring {category}',
    lists_my_claims: "My unit's claims", lists_no_claims: 'No claims yet.',
    lists_back: 'Three lists', lists_network: 'Big committee network', lists_switch: 'Another community',
    lists_no_community: 'There is no community with the code {code}.',
    lists_demo_sites: 'Demonstration sites', lists_demo_since: 'since {d}',
    lists_plan: "The community's plan", lists_no_plan: 'This community has no plan yet.', lists_goal_projects: 'Projects: ',
    lists_progress: '{p}% done', lists_filter: 'Filter by status', lists_all: 'All',
    lists_need_open: 'Open', lists_need_matched: 'Claimed', lists_need_in_project: 'In a project', lists_need_met: 'Met', lists_need_closed: 'Closed',
    lists_lk_venue: 'Venue', lists_lk_funding: 'Funding', lists_lk_volunteers: 'Volunteers', lists_lk_expertise: 'Expertise',
    lists_lk_equipment: 'Equipment', lists_lk_service: 'Service', lists_lk_other: 'Other',
    lists_urg_low: 'Low', lists_urg_normal: 'Normal', lists_urg_high: 'High', lists_urg_urgent: 'Urgent',
    lists_src_community: 'Community', lists_src_compound_branch: 'Compound branch', lists_src_resident: 'Residents', lists_src_meeting: 'Meeting',
    lists_src_case_hotspot: 'Case hot spot', lists_src_member_unit: 'Member unit',
    lists_res_available: 'Available', lists_res_committed: 'All committed', lists_res_used_up: 'Used up', lists_res_withdrawn: 'Withdrawn',
    lists_prj_planned: 'Planned', lists_prj_active: 'Active', lists_prj_done: 'Done', lists_prj_cancelled: 'Cancelled',
    lists_plan_draft: 'Draft', lists_plan_active: 'Active', lists_plan_closed: 'Closed',
    lists_clm_pending: 'Waiting for the community', lists_clm_confirmed: 'Confirmed', lists_clm_declined: 'Declined', lists_clm_withdrawn: 'Withdrawn',
    lists_need_qty: 'needs {q}', lists_beneficiaries: '{n} people benefit', lists_wanted_by: 'wanted by {d}',
    lists_matches: 'Suggested resources', lists_matches_hide: 'Hide suggestions', lists_no_matches: 'No suitable resource right now.',
    lists_score: 'match {s}', lists_km: '{km} km', lists_covers: 'covers {q}', lists_from_date: 'available from {d}',
    lists_claim: 'Claim', lists_claim_with: 'Claim with this resource', lists_claim_title: 'Claim "{title}"',
    lists_claim_resource: "One of my unit's resources", lists_claim_no_resource: 'No particular resource',
    lists_claim_quantity: 'Quantity', lists_claim_note: 'Note (optional)',
    lists_claim_note_hint: 'For example when it can be given; the community arranges the contact.',
    lists_claim_submit: 'Claim it', lists_claimed: 'Claimed: waiting for the community to confirm.',
    lists_claim_left: '{q} left',
    lists_claims: 'Claims', lists_claims_hint: 'A member unit claims a need; the community confirms it and it becomes a project.',
    lists_claim_line: 'claimed by {unit}',
    lists_confirm: 'Confirm and start a project', lists_decline: 'Decline', lists_withdraw: 'Withdraw the claim',
    lists_confirmed: 'Confirmed: it is a project now.', lists_declined: 'Declined.', lists_withdrawn: 'Claim withdrawn.',
    lists_committed: '{c} of {q} committed, {r} left', lists_avail: 'Available', lists_every_day: 'every day',
    lists_weekdays: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun', lists_conditions: 'Conditions: {c}',
    lists_own: "The community's own", lists_units: 'Taking part: {names}', lists_dates: '{from} to {to}',
    lists_milestones: 'Milestones', lists_children: 'Sub-projects', lists_ms_done: 'done {d}', lists_ms_due: 'due {d}',
    lists_raise: 'Raise a need', lists_raise_title: 'A new need', lists_f_title: 'What is needed', lists_f_kind: 'Kind',
    lists_f_quantity: 'Quantity', lists_f_unit: 'Unit of quantity', lists_f_unit_hint: 'e.g. 人 (people), 场 (sessions), 元 (yuan)',
    lists_f_beneficiaries: 'People who benefit', lists_f_urgency: 'Urgency', lists_f_wanted_by: 'Wanted by',
    lists_f_description: 'Description', lists_f_source: 'Raised by', lists_raised_ok: 'The need is on the list.',
    lists_goals: '{n} goals and their progress', lists_mine: 'mine', lists_score_label: 'Match', lists_sign_in_hint: 'Member units of the big committee sign in to claim a need.',
  },
});

export const title = 'lists_title';

const KINDS = ['venue', 'funding', 'volunteers', 'expertise', 'equipment', 'service', 'other'];
const NEED_STATUSES = ['open', 'matched', 'in_project', 'met', 'closed'];
const URGENCIES = ['low', 'normal', 'high', 'urgent'];
const SOURCES = ['community', 'compound_branch', 'resident', 'meeting', 'case_hotspot', 'member_unit'];

const locale = () => (lang === 'en' ? 'en-GB' : 'zh-CN');
const num = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString(locale(), { maximumFractionDigits: 2 }));
const qty = (n, unit) => (unit ? `${num(n)} ${unit}` : num(n));
const label = (prefix, code) => (code ? t(`${prefix}_${code}`) : '');
const paren = (s) => (lang === 'en' ? ` (${s})` : `（${s}）`);
const joined = (names) => names.join(lang === 'en' ? ', ' : '、');
const endOfDay = (d) => `${d}T23:59:59+08:00`;

/** A progress bar 0–100 with its figure, readable by screen readers; opts.label before it, opts.pct instead of "N%". */
function progress(p, name, opts = {}) {
  const v = Math.max(0, Math.min(100, Number(p) || 0));
  const fill = h('span');
  fill.style.width = `${v}%`;
  return h('div', { class: 'bar' },
    opts.label ? h('span', { class: 'lbl', 'aria-hidden': 'true' }, opts.label) : null,
    h('div', {
      class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(v),
      'aria-label': name || t('lists_progress', { p: num(v) }),
    }, fill),
    h('span', { class: 'pct', 'aria-hidden': 'true' }, opts.pct ?? `${v.toLocaleString(locale(), { maximumFractionDigits: 1 })}%`));
}

const badge = (text, cls) => h('span', { class: `badge ${cls || ''}`.trim() }, text);
const needBadge = (s) => badge(label('lists_need', s), { open: 'open', matched: 'claimed', in_project: 'active', met: 'done', closed: '' }[s]);
const claimBadge = (s) => badge(label('lists_clm', s), { pending: 'open', confirmed: 'done', declined: 'bad', withdrawn: '' }[s]);

/** The communities of the street, for the pickers: [{id, code, name, name_en}] by code. */
async function communities() {
  const fc = await api('/api/v1/areas', { query: { kind: 'community', geometry: 0 } });
  return fc.features.map((f) => f.properties).sort((a, b) => a.code.localeCompare(b.code));
}

function communityPicker(list, current, labelKey, buttonKey) {
  const select = h('select', { name: 'community', id: `lists-pick-${labelKey}` },
    ...list.map((c) => h('option', { value: c.code, selected: c.code === current }, pick(c))));
  const form = h('form', { class: 'inline picker' },
    h('label', { for: select.id }, t(labelKey)), select, h('button', { type: 'submit' }, t(buttonKey)));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    window.location.hash = `#/lists/${select.value}`;
  });
  return form;
}

export async function render(root, { params, query }) {
  styles('lists');
  let me = null;
  try {
    me = await whoami();
  } catch { /* anonymous: the board is public */ }
  // core's router decodes an unmatched group to the string 'undefined'
  const code = params[0] && params[0] !== 'undefined' ? params[0] : null;
  if (code) await board(root, code, me);
  else await street(root, query, me);
}

// ---- the street ----------------------------------------------------------------

async function street(root, query, me) {
  const period = { from: query.from || undefined, to: query.to || undefined };
  const periodForm = () => {
    const from = h('input', { type: 'date', name: 'from', value: query.from || '' });
    const to = h('input', { type: 'date', name: 'to', value: query.to || '' });
    const form = h('form', { class: 'period' },
      h('fieldset', {}, h('legend', {}, t('lists_period')),
        h('div', { class: 'period-fields' },
          h('div', { class: 'field' }, h('label', { for: 'lists-from' }, t('lists_from')), from),
          h('div', { class: 'field' }, h('label', { for: 'lists-to' }, t('lists_to')), to),
          h('div', { class: 'field go' }, h('button', { type: 'submit' }, t('lists_show')),
            query.from || query.to ? h('a', { class: 'btn', href: '#/lists' }, t('lists_all_time')) : null))));
    from.id = 'lists-from';
    to.id = 'lists-to';
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      if (from.value) q.set('from', from.value);
      if (to.value) q.set('to', to.value);
      window.location.hash = `#/lists${q.toString() ? `?${q}` : ''}`;
    });
    return form;
  };
  let stats;
  try {
    stats = await api('/api/v1/stats/lists', { query: period });
  } catch (e) {
    if (e.field === 'from' || e.field === 'to') {
      const form = periodForm();
      root.replaceChildren(h('h1', {}, t('lists_title')), h('section', { class: 'card' }, form));
      showFieldError(form, e);
      return;
    }
    throw e;
  }
  const isUnit = me && me.role === 'member_unit' && me.scope;
  const [list, plans, hotspots, mine] = await Promise.all([
    communities(),
    api('/api/v1/plans', { query: { limit: 1000 } }),
    api('/api/v1/needs/hotspots').catch((e) => ({ error: e })),
    isUnit ? api('/api/v1/claims', { query: { unit: me.scope.code, limit: 100 } }).catch((e) => ({ error: e })) : null,
  ]);
  const names = new Map(list.map((c) => [c.code, pick(c)]));
  const cname = (c) => names.get(c.code) || c.name;

  const fig = (n, key) => h('div', {}, h('dt', {}, num(n)), h('dd', {}, t(key)));
  const PRJ = ['planned', 'active', 'done', 'cancelled'];
  const breakdown = (obj, prefix, order) => h('ul', { class: 'plain chips' },
    ...Object.entries(obj || {}).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([k, n]) => h('li', {}, label(prefix, k), ' ', h('b', {}, num(n)))));
  const S = stats;

  const byCommunity = [...S.by_community].sort((a, b) => b.needs_raised - a.needs_raised || a.community.code.localeCompare(b.community.code));
  const byUnit = [...S.by_unit].sort((a, b) => b.delivered - a.delivered || b.commitments - a.commitments || b.resources_offered - a.resources_offered);

  root.replaceChildren(...[
    h('section', { class: 'lists-head' }, h('h1', {}, t('lists_title')), h('p', { class: 'lead' }, t('lists_lead'))),
    h('section', { class: 'card', 'aria-labelledby': 'lists-pick-h' },
      h('h2', { id: 'lists-pick-h' }, t('lists_pick')),
      communityPicker(list, me && me.scope && me.scope.kind === 'area' ? me.scope.code : null, 'lists_pick_label', 'lists_open')),
    isUnit ? myClaims(mine, me) : null,
    h('section', { class: 'card', 'aria-labelledby': 'lists-street-h' },
      h('h2', { id: 'lists-street-h' }, t('lists_street')),
      h('p', { class: 'hint' }, S.period && (S.period.from || S.period.to)
        ? t('lists_period_is', { from: S.period.from || '…', to: S.period.to || '…' }) : t('lists_period_all')),
      h('div', { class: 'three' },
        h('section', { class: 'list-figures needs' }, h('h3', {}, t('lists_needs')),
          h('dl', { class: 'figures' }, fig(S.needs.raised, 'lists_raised'), fig(S.needs.met, 'lists_met')),
          h('h4', {}, t('lists_by_status')), breakdown(S.needs.by_status, 'lists_need', NEED_STATUSES)),
        h('section', { class: 'list-figures resources' }, h('h3', {}, t('lists_resources')),
          h('dl', { class: 'figures' }, fig(S.resources.offered, 'lists_offered'), fig(S.resources.commitments, 'lists_commitments'),
            fig(S.resources.delivered, 'lists_delivered')),
          h('h4', {}, t('lists_by_kind')), breakdown(S.resources.by_kind, 'lists_lk', KINDS)),
        h('section', { class: 'list-figures projects' }, h('h3', {}, t('lists_projects')),
          h('dl', { class: 'figures' }, fig(S.projects.started, 'lists_started'), fig(S.projects.done, 'lists_done')),
          h('h4', {}, t('lists_by_status')), breakdown(S.projects.by_status, 'lists_prj', PRJ))),
      periodForm()),
    h('section', { class: 'card', 'aria-labelledby': 'lists-bc-h' },
      h('h2', { id: 'lists-bc-h' }, t('lists_by_community')),
      byCommunity.length ? table(
        ['lists_col_community', 'lists_col_needs', 'lists_col_met', 'lists_col_resources', 'lists_col_delivered', 'lists_col_projects', 'lists_col_done'],
        byCommunity.map((r) => [h('a', { href: `#/lists/${r.community.code}` }, cname(r.community)),
          r.needs_raised, r.needs_met, r.resources_offered, r.delivered, r.projects, r.projects_done]),
      ) : h('p', { class: 'muted' }, t('no_items'))),
    h('section', { class: 'card', 'aria-labelledby': 'lists-plans-h' },
      h('h2', { id: 'lists-plans-h' }, t('lists_plans')),
      plans.items.length ? h('ul', { class: 'plain plans' }, ...plans.items.map((p) => h('li', {},
        h('div', { class: 'row' }, h('a', { href: `#/lists/${p.community.code}` }, p.title), ' ', badge(label('lists_plan', p.status))),
        h('p', { class: 'muted' }, `${cname(p.community)} · ${t('lists_plan_year', { year: p.year })} · ${t('lists_plan_goals', { n: p.goals })}`),
        progress(p.progress, p.title))))
        : h('p', { class: 'muted' }, t('no_items'))),
    h('section', { class: 'card', 'aria-labelledby': 'lists-bu-h' },
      h('h2', { id: 'lists-bu-h' }, t('lists_by_unit')), h('p', { class: 'hint' }, t('lists_by_unit_hint')),
      byUnit.length ? table(
        ['lists_col_unit', 'lists_col_resources', 'lists_col_claims', 'lists_col_confirmed', 'lists_col_commitments', 'lists_col_delivered'],
        byUnit.map((u) => [u.org.name, u.resources_offered, u.claims, u.claims_confirmed, u.commitments, u.delivered]),
      ) : h('p', { class: 'muted' }, t('no_items'))),
    hotspotSection(hotspots, null, cname),
  ].filter(Boolean));
}

/** A table whose rows become cards on a phone (each cell labelled by its column). */
function table(cols, rows) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'cards-sm' },
    h('thead', {}, h('tr', {}, ...cols.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, t(c))))),
    h('tbody', {}, ...rows.map((r) => h('tr', {},
      h('th', { scope: 'row' }, r[0]),
      ...r.slice(1).map((v, i) => h('td', { class: 'num', dataset: { label: t(cols[i + 1]) } }, typeof v === 'number' ? num(v) : v)))))));
}

function hotspotSection(hotspots, raise, cname) {
  if (!hotspots || hotspots.error) {
    return hotspots && hotspots.error ? h('p', { class: 'error', role: 'alert' }, t('failed', { msg: hotspots.error.message })) : null;
  }
  if (!hotspots.items.length) return null;
  return h('section', { class: 'card hotspots', 'aria-labelledby': 'lists-hs-h' },
    h('h2', { id: 'lists-hs-h' }, t('lists_hotspots')),
    h('p', { class: 'hint' }, t('lists_hotspots_hint', { days: hotspots.days })),
    h('ul', { class: 'plain' }, ...hotspots.items.map((s) => h('li', {},
      h('b', {}, s.grid.name), ' · ', h('a', { href: `#/lists/${s.community.code}` }, cname ? cname(s.community) : s.community.name),
      ' · ', pick(s.category), ' ', h('span', { class: 'badge open' }, t('lists_hotspot_line', { cases: s.cases, open: s.open_cases })),
      s.needs ? h('span', { class: 'muted' }, ` ${t('lists_hotspot_needs', { n: s.needs })}`) : null,
      raise ? h('button', { type: 'button', class: 'small', onclick: () => raise(s) }, t('lists_hotspot_raise')) : null))));
}

function myClaims(mine, me) {
  let body;
  if (!mine || mine.error) body = h('p', { class: 'error', role: 'alert' }, t('failed', { msg: mine ? mine.error.message : '' }));
  else if (!mine.items.length) body = h('p', { class: 'muted' }, t('lists_no_claims'));
  else {
    body = h('ul', { class: 'plain claims' }, ...mine.items.map((c) => h('li', { dataset: { claim: c.id } },
      h('a', { href: `#/lists/${c.need.community.code}` }, c.need.title), ' ', claimBadge(c.status),
      h('span', { class: 'muted' }, ` · ${c.need.community.name}${c.quantity != null ? ` · ${num(c.quantity)}` : ''} · ${fmtTime(c.created_at)}`))));
  }
  return h('section', { class: 'card mine', 'aria-labelledby': 'lists-mine-h' },
    h('h2', { id: 'lists-mine-h' }, t('lists_my_claims'), ' ',
      h('span', { class: 'muted' }, mine && mine.items && mine.items.length ? mine.items[0].org.name : me.scope.code)), body);
}

// ---- a community's board ---------------------------------------------------------------

async function board(root, code, me, focus) {
  const list = await communities();
  const area = list.find((c) => c.code === code);
  if (!area) {
    root.replaceChildren(
      h('p', { class: 'crumbs' }, h('a', { href: '#/lists' }, t('lists_back'))),
      h('p', { class: 'notice', role: 'alert' }, t('lists_no_community', { code })));
    return;
  }
  const isUnit = me && me.role === 'member_unit' && me.scope ? me.scope : null;
  const isManager = !!me && (me.role === 'street_admin' || (me.role === 'community_staff' && me.scope && me.scope.code === code));
  const [b, resources, projects, claims, hotspots] = await Promise.all([
    api(`/api/v1/boards/${encodeURIComponent(code)}`),
    api('/api/v1/resources', { query: { community: code, limit: 1000 } }),
    api('/api/v1/projects', { query: { community: code, limit: 1000 } }),
    api('/api/v1/claims', { query: { community: code, limit: 1000 } }),
    isManager ? api('/api/v1/needs/hotspots', { query: { community: code } }).catch((e) => ({ error: e })) : null,
  ]);
  const name = pick(area);
  document.title = `${t('lists_board_title', { name })} · ${t('brand')}`;
  const ctx = {
    code, me, isUnit, isManager, claims: claims.items, reload: (id) => board(root, code, me, id),
    units: new Map(b.needs.map((n) => [n.id, n.quantity_unit])),
  };

  const needsBox = h('div', { class: 'needs-list' });
  const offered = resources.items.filter((r) => r.status !== 'withdrawn');
  const top = projects.items.filter((p) => !p.parent_id && p.status !== 'cancelled');
  const boardProjects = new Map(b.projects.map((p) => [p.id, p]));
  const raiseBox = h('div', { class: 'raise' });
  const openRaise = (hotspot) => {
    raiseBox.replaceChildren(raiseForm(ctx, raiseBox, hotspot));
    raiseBox.querySelector('input[name=title]').focus();
  };

  root.replaceChildren(...[
    h('nav', { class: 'crumbs', 'aria-label': t('lists_title') },
      h('a', { href: '#/lists' }, t('lists_back')), ' › ', h('span', { 'aria-current': 'page' }, name)),
    h('section', { class: 'lists-head' },
      h('h1', {}, t('lists_board_title', { name })),
      h('div', { class: 'head-actions' },
        h('a', { class: 'btn', href: `#/network/${code}` }, t('lists_network')),
        communityPicker(list, code, 'lists_switch', 'lists_open'))),
    b.demonstration_sites.length ? h('section', { class: 'card demo-sites', 'aria-labelledby': 'lists-demo-h' },
      h('h2', { id: 'lists-demo-h' }, t('lists_demo_sites')),
      h('ul', { class: 'plain' }, ...b.demonstration_sites.map((d) => h('li', {},
        h('b', {}, d.area.name), ' ', h('span', { class: 'muted' }, t('lists_demo_since', { d: d.since || '' })),
        d.note ? h('p', { class: 'note' }, d.note) : null)))) : null,
    planSection(b.plan),
    isManager ? hotspotSection(hotspots, openRaise) : null,
    // a phone reads needs, claims, resources, projects; a desktop puts the resources on the right
    h('div', { class: 'board-cols' },
      h('section', { class: 'card needs', 'aria-labelledby': 'lists-needs-h' },
        h('div', { class: 'section-head' },
          h('h2', { id: 'lists-needs-h' }, t('lists_needs'), ' ', h('span', { class: 'muted' }, `(${b.needs.length})`)),
          isManager ? h('button', { type: 'button', class: 'primary', onclick: () => openRaise(null) }, t('lists_raise')) : null),
        raiseBox,
        me ? null : h('p', { class: 'hint' }, t('lists_sign_in_hint'), ' ',
          h('a', { href: `#/login?next=${encodeURIComponent(`/lists/${code}`)}` }, t('sign_in'))),
        needFilter(b.needs, needsBox, ctx),
        needsBox),
      claimsSection(ctx),
      h('section', { class: 'card resources', 'aria-labelledby': 'lists-res-h' },
        h('h2', { id: 'lists-res-h' }, t('lists_resources'), ' ', h('span', { class: 'muted' }, `(${offered.length})`)),
        offered.length ? h('ul', { class: 'plain items' }, ...offered.map((r) => resourceCard(r, ctx))) : h('p', { class: 'muted' }, t('no_items'))),
      h('section', { class: 'card projects', 'aria-labelledby': 'lists-prj-h' },
        h('h2', { id: 'lists-prj-h' }, t('lists_projects'), ' ', h('span', { class: 'muted' }, `(${top.length})`)),
        top.length ? h('ul', { class: 'plain items' }, ...top.map((p) => projectCard(p, boardProjects.get(p.id), projects.items)))
          : h('p', { class: 'muted' }, t('no_items')))),
  ].filter(Boolean));
  if (focus) {
    const el = root.querySelector(`[data-need="${focus}"] h3`);
    if (el) {
      el.setAttribute('tabindex', '-1');
      el.focus();
    }
  }
}

function planSection(plan) {
  if (!plan) {
    return h('section', { class: 'card plan', 'aria-labelledby': 'lists-plan-h' },
      h('h2', { id: 'lists-plan-h' }, t('lists_plan')), h('p', { class: 'muted' }, t('lists_no_plan')));
  }
  return h('section', { class: 'card plan', 'aria-labelledby': 'lists-plan-h' },
    h('h2', { id: 'lists-plan-h' }, t('lists_plan')),
    h('div', { class: 'row' }, h('b', {}, plan.title), ' ', badge(label('lists_plan', plan.status))),
    plan.summary ? h('p', { class: 'summary' }, plan.summary) : null,
    progress(plan.progress, plan.title),
    // the goals: open on a desktop, a tap away on a phone, where the lists come first
    h('details', { class: 'goals-box', open: window.matchMedia('(min-width: 48em)').matches },
      h('summary', {}, t('lists_goals', { n: (plan.goal_list || []).length })),
      h('ol', { class: 'goals' }, ...(plan.goal_list || []).map((g) => h('li', {},
      h('div', { class: 'goal-title' }, g.title),
      progress(g.progress, g.title),
      g.projects.length ? h('p', { class: 'muted goal-projects' }, t('lists_goal_projects'),
        g.projects.map((p) => `${p.title}${paren(label('lists_prj', p.status))}`).join(lang === 'en' ? '; ' : '；')) : null)))));
}

function needFilter(needs, box, ctx) {
  const present = NEED_STATUSES.filter((s) => needs.some((n) => n.status === s));
  let current = 'all';
  const buttons = [];
  const show = () => {
    const shown = current === 'all' ? needs : needs.filter((n) => n.status === current);
    box.replaceChildren(shown.length ? h('ul', { class: 'plain items' }, ...shown.map((n) => needCard(n, ctx))) : h('p', { class: 'muted' }, t('no_items')));
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.status === current));
  };
  for (const s of ['all', ...present]) {
    const n = s === 'all' ? needs.length : needs.filter((x) => x.status === s).length;
    buttons.push(h('button', { type: 'button', class: 'chip', dataset: { status: s }, onclick: () => { current = s; show(); } },
      s === 'all' ? t('lists_all') : label('lists_need', s), ' ', h('span', { class: 'n' }, String(n))));
  }
  show();
  return needs.length ? h('div', { class: 'filter', role: 'group', 'aria-label': t('lists_filter') }, ...buttons) : null;
}

function needCard(n, ctx) {
  const claims = ctx.claims.filter((c) => c.need.id === n.id && (c.status === 'pending' || c.status === 'confirmed'));
  const live = n.status === 'open' || n.status === 'matched';
  const panel = h('div', { class: 'panel', id: `need-${n.id}-panel`, hidden: true });
  const claimBox = h('div', { class: 'claim-box' });
  const toggle = h('button', { type: 'button', class: 'small', 'aria-expanded': 'false', 'aria-controls': panel.id }, t('lists_matches'));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = t(open ? 'lists_matches_hide' : 'lists_matches');
    panel.hidden = !open;
    if (open && !panel.dataset.loaded) loadMatches(n, panel, claimBox, ctx);
  });
  const meta = [
    n.quantity != null ? t('lists_need_qty', { q: qty(n.quantity, n.quantity_unit) }) : null,
    n.beneficiaries != null ? t('lists_beneficiaries', { n: num(n.beneficiaries) }) : null,
    n.area ? n.area.name : null,
  ].filter(Boolean);
  const mineClaimed = ctx.isUnit && claims.some((c) => c.org.id === ctx.isUnit.id && c.status === 'pending');
  return h('li', { class: `item need status-${n.status}`, dataset: { need: n.id } },
    h('div', { class: 'item-head' },
      h('h3', {}, n.title),
      h('div', { class: 'badges' }, needBadge(n.status),
        n.urgency === 'high' || n.urgency === 'urgent' ? badge(label('lists_urg', n.urgency), n.urgency === 'urgent' ? 'bad' : 'open') : null,
        badge(label('lists_lk', n.kind)))),
    h('p', { class: 'meta' }, meta.join(' · '),
      n.wanted_by ? [meta.length ? ' · ' : '', t('lists_wanted_by', { d: n.wanted_by }),
        live ? [' ', countdown(endOfDay(n.wanted_by))] : null] : null),
    n.description ? h('p', { class: 'desc' }, n.description) : null,
    claims.length ? h('ul', { class: 'plain need-claims' }, ...claims.map((c) => h('li', {},
      t('lists_claim_line', { unit: c.org.name }), c.quantity != null ? ` · ${qty(c.quantity, n.quantity_unit)}` : '',
      ' ', claimBadge(c.status)))) : null,
    live ? h('div', { class: 'actions' }, toggle,
      ctx.isUnit && !mineClaimed ? h('button', { type: 'button', class: 'small primary', onclick: () => openClaim(n, null, claimBox, ctx) }, t('lists_claim')) : null) : null,
    claimBox,
    panel);
}

async function loadMatches(n, panel, claimBox, ctx) {
  panel.replaceChildren(h('p', { class: 'muted', role: 'status' }, t('loading')));
  try {
    const m = await api(`/api/v1/needs/${n.id}/matches`, { query: { limit: 20 } });
    // a unit whose claim of this need already waits cannot claim it again (409 claim_pending)
    const waiting = ctx.isUnit && ctx.claims.some((c) => c.need.id === n.id && c.org.id === ctx.isUnit.id && c.status === 'pending');
    panel.dataset.loaded = '1';
    panel.replaceChildren(m.items.length
      ? h('ol', { class: 'matches' }, ...m.items.map((x) => {
        const mine = ctx.isUnit && x.org && x.org.id === ctx.isUnit.id;
        return h('li', { class: mine ? 'match mine' : 'match', dataset: { resource: x.resource_id } },
          h('div', { class: 'match-head' },
            h('b', {}, x.title), ' ', h('span', { class: 'muted' }, x.org ? x.org.name : t('lists_own')),
            mine ? badge(t('lists_mine'), 'done') : null),
          h('div', { class: 'score' }, progress(x.score, t('lists_score', { s: num(x.score) }), { label: t('lists_score_label'), pct: num(x.score) }),
            h('span', { class: 'muted' }, [
              x.km ? t('lists_km', { km: num(x.km) }) : null,
              x.quantity != null ? t('lists_covers', { q: qty(x.quantity, x.quantity_unit) }) : null,
              x.available_from ? t('lists_from_date', { d: x.available_from }) : null].filter(Boolean).join(' · '))),
          h('ul', { class: 'reasons' }, ...x.reasons.map((r) => h('li', { class: `reason ${r.code}` }, r.text))),
          mine && !waiting ? h('button', { type: 'button', class: 'small primary', onclick: () => openClaim(n, x, claimBox, ctx) }, t('lists_claim_with')) : null);
      }))
      : h('p', { class: 'muted' }, t('lists_no_matches')));
  } catch (e) {
    panel.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, t('failed', { msg: e.message })),
      h('button', { type: 'button', class: 'small', onclick: () => loadMatches(n, panel, claimBox, ctx) }, t('retry'))));
  }
}

/** The claim form of a member unit: one of its own resources (or none), how much, a note. */
async function openClaim(n, match, box, ctx) {
  box.replaceChildren(h('p', { class: 'muted', role: 'status' }, t('loading')));
  let mine;
  try {
    mine = (await api('/api/v1/resources', { query: { unit: ctx.isUnit.code, limit: 1000 } })).items
      .filter((r) => r.status === 'available' && r.remaining > 0);
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('failed', { msg: e.message })));
    return;
  }
  const resource = h('select', { name: 'resource_id' },
    h('option', { value: '' }, t('lists_claim_no_resource')),
    ...mine.map((r) => h('option', { value: String(r.id), selected: match && match.resource_id === r.id },
      `${r.title}${paren(t('lists_claim_left', { q: qty(r.remaining, r.quantity_unit) }))}`)));
  const quantity = h('input', { name: 'quantity', type: 'number', min: '0', step: 'any', inputmode: 'decimal',
    value: match && match.quantity != null ? String(match.quantity) : (n.quantity != null ? String(n.quantity) : '') });
  const note = h('textarea', { name: 'note', maxlength: '2000', rows: '3' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('lists_claim_submit'));
  const form = h('form', { class: 'claim-form', novalidate: true, 'aria-labelledby': `claim-${n.id}-h` },
    h('h4', { id: `claim-${n.id}-h` }, t('lists_claim_title', { title: n.title })),
    h('div', { class: 'claim-fields' },
      field2(t('lists_claim_resource'), resource),
      field2(`${t('lists_claim_quantity')}${n.quantity_unit ? paren(n.quantity_unit) : ''}`, quantity)),
    field2(t('lists_claim_note'), note, t('lists_claim_note_hint')),
    h('div', { class: 'actions' }, submit,
      h('button', { type: 'button', onclick: () => box.replaceChildren() }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    if (resource.value) body.resource_id = Number(resource.value);
    if (quantity.value !== '') body.quantity = Number(quantity.value);
    if (note.value.trim()) body.note = note.value.trim();
    submit.disabled = true;
    try {
      await api(`/api/v1/needs/${n.id}/claims`, { method: 'POST', json: body });
      toast(t('lists_claimed'));
      await ctx.reload(n.id);
    } catch (e) {
      showFieldError(form, e);
    } finally {
      submit.disabled = false;
    }
  });
  box.replaceChildren(form);
  (match ? quantity : resource).focus();
}

/** field() with ids of its own (several claim forms may be open at once). */
let fseq = 0;
function field2(text, control, hint) {
  control.id = `lists-f${++fseq}`;
  const parts = [h('label', { for: control.id }, text), control];
  if (hint) {
    control.setAttribute('aria-describedby', `${control.id}-hint`);
    parts.push(h('small', { id: `${control.id}-hint`, class: 'hint' }, hint));
  }
  return h('div', { class: 'field', dataset: { field: control.name } }, parts);
}

function weekdays(mask) {
  if (!mask) return t('lists_every_day');
  const names = t('lists_weekdays').split(',');
  return joined(names.filter((_, i) => mask & (1 << i)));
}

function resourceCard(r, ctx) {
  const used = r.quantity ? Math.min(100, (100 * (r.quantity - r.remaining)) / r.quantity) : 0;
  const when = [
    r.available_from || r.available_to ? t('lists_dates', { from: r.available_from || '…', to: r.available_to || '…' }) : null,
    r.weekdays != null ? weekdays(r.weekdays) : null,
    r.hours || null,
  ].filter(Boolean);
  const mine = ctx.isUnit && r.org && r.org.id === ctx.isUnit.id;
  return h('li', { class: `item resource status-${r.status}`, dataset: { resource: r.id } },
    h('div', { class: 'item-head' },
      h('h3', {}, r.title),
      h('div', { class: 'badges' }, badge(label('lists_res', r.status), r.status === 'available' ? 'done' : ''), badge(label('lists_lk', r.kind)),
        mine ? badge(t('lists_mine'), 'done') : null)),
    h('p', { class: 'meta' }, r.org ? r.org.name : t('lists_own')),
    h('div', { class: 'capacity' }, progress(used, r.title),
      h('span', { class: 'muted' }, t('lists_committed', { c: num(r.committed), q: qty(r.quantity, r.quantity_unit), r: qty(r.remaining, r.quantity_unit) }))),
    when.length ? h('p', { class: 'meta' }, `${t('lists_avail')}${lang === 'en' ? ': ' : '：'}${when.join(' · ')}`) : null,
    r.conditions ? h('p', { class: 'meta' }, t('lists_conditions', { c: r.conditions })) : null,
    r.description ? h('p', { class: 'desc' }, r.description) : null);
}

function projectCard(p, onBoard, all) {
  const children = all.filter((c) => c.parent_id === p.id);
  const milestones = (onBoard && onBoard.milestones) || [];
  const live = p.status === 'active' || p.status === 'planned';
  return h('li', { class: `item project status-${p.status}`, dataset: { project: p.id } },
    h('div', { class: 'item-head' },
      h('h3', {}, p.title),
      h('div', { class: 'badges' }, badge(label('lists_prj', p.status), p.status === 'done' ? 'done' : (p.status === 'active' ? 'active' : '')),
        p.demonstration ? badge(t('lists_demo_sites'), 'demo') : null)),
    progress(p.progress, p.title),
    h('p', { class: 'meta' }, [
      p.start_date || p.end_date ? t('lists_dates', { from: p.start_date || '…', to: p.end_date || '…' }) : null,
      p.beneficiaries != null ? t('lists_beneficiaries', { n: num(p.beneficiaries) }) : null,
      p.area ? p.area.name : null,
    ].filter(Boolean).join(' · ')),
    p.units && p.units.length ? h('p', { class: 'meta' }, t('lists_units', { names: joined(p.units.map((u) => (typeof u === 'string' ? u : u.name))) })) : null,
    p.description ? h('p', { class: 'desc' }, p.description) : null,
    milestones.length ? h('div', {}, h('h4', {}, t('lists_milestones')),
      h('ol', { class: 'milestones' }, ...milestones.map((m) => h('li', { class: m.done_date ? 'done' : 'todo' },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, m.done_date ? '✓' : '○'), ' ', m.title, ' ',
        h('span', { class: 'muted' }, m.done_date ? t('lists_ms_done', { d: m.done_date }) : (m.due_date ? t('lists_ms_due', { d: m.due_date }) : '')),
        !m.done_date && m.due_date && live ? [' ', countdown(endOfDay(m.due_date))] : null)))) : null,
    children.length ? h('div', {}, h('h4', {}, t('lists_children')),
      h('ul', { class: 'plain children' }, ...children.map((c) => h('li', {},
        h('div', { class: 'row' }, c.title, ' ', badge(label('lists_prj', c.status), c.status === 'done' ? 'done' : '')),
        progress(c.progress, c.title))))) : null);
}

function claimsSection(ctx) {
  // the ones waiting for a decision first, then the newest
  const items = [...ctx.claims].sort((a, b) => (b.status === 'pending') - (a.status === 'pending'));
  const act = async (c, action, done, li) => {
    for (const b of li.querySelectorAll('button')) b.disabled = true;
    li.querySelector('.field-error')?.remove();
    try {
      await api(`/api/v1/claims/${c.id}/${action}`, { method: 'POST', json: {} });
      toast(t(done));
      await ctx.reload(c.need.id);
    } catch (e) {
      li.append(h('p', { class: 'field-error', role: 'alert' }, e.message));
      for (const b of li.querySelectorAll('button')) b.disabled = false;
    }
  };
  return h('section', { class: 'card claims', 'aria-labelledby': 'lists-claims-h' },
    h('h2', { id: 'lists-claims-h' }, t('lists_claims'), ' ', h('span', { class: 'muted' }, `(${items.length})`)),
    h('p', { class: 'hint' }, t('lists_claims_hint')),
    items.length ? h('ul', { class: 'plain claim-list' }, ...items.map((c) => {
      const li = h('li', { dataset: { claim: c.id } });
      const mine = ctx.isUnit && c.org.id === ctx.isUnit.id;
      li.append(...[
        h('div', { class: 'row' }, h('b', {}, c.need.title), ' ', claimBadge(c.status)),
        h('p', { class: 'meta' }, [t('lists_claim_line', { unit: c.org.name }),
          c.quantity != null ? qty(c.quantity, ctx.units.get(c.need.id)) : null, fmtTime(c.created_at)].filter(Boolean).join(' · ')),
        c.note ? h('p', { class: 'desc' }, c.note) : null,
        c.status === 'pending' && (ctx.isManager || mine) ? h('div', { class: 'actions' },
          ctx.isManager ? h('button', { type: 'button', class: 'small primary', onclick: () => act(c, 'confirm', 'lists_confirmed', li) }, t('lists_confirm')) : null,
          ctx.isManager ? h('button', { type: 'button', class: 'small', onclick: () => act(c, 'decline', 'lists_declined', li) }, t('lists_decline')) : null,
          mine ? h('button', { type: 'button', class: 'small', onclick: () => act(c, 'withdraw', 'lists_withdrawn', li) }, t('lists_withdraw')) : null) : null].filter(Boolean));
      return li;
    })) : h('p', { class: 'muted' }, t('lists_no_claims')));
}

/** The community's staff raise a need (from a case hot spot, when one is given). */
function raiseForm(ctx, box, hotspot) {
  const opt = (prefix, codes, cur) => codes.map((c) => h('option', { value: c, selected: c === cur }, label(prefix, c)));
  const title = h('input', { name: 'title', required: true, maxlength: '200',
    value: hotspot ? t('lists_hotspot_title', { grid: hotspot.grid.name, category: pick(hotspot.category) }) : '' });
  const kind = h('select', { name: 'kind' }, ...opt('lists_lk', KINDS, hotspot ? 'service' : 'volunteers'));
  const quantity = h('input', { name: 'quantity', type: 'number', min: '0', step: 'any', inputmode: 'decimal' });
  const unit = h('input', { name: 'quantity_unit', maxlength: '20' });
  const beneficiaries = h('input', { name: 'beneficiaries', type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  const urgency = h('select', { name: 'urgency' }, ...opt('lists_urg', URGENCIES, 'normal'));
  const wanted = h('input', { name: 'wanted_by', type: 'date' });
  const source = h('select', { name: 'source' }, ...opt('lists_src', SOURCES, hotspot ? 'case_hotspot' : 'community'));
  const description = h('textarea', { name: 'description', maxlength: '2000' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('lists_raise'));
  const form = h('form', { class: 'raise-form', novalidate: true, 'aria-labelledby': 'lists-raise-h' },
    h('h3', { id: 'lists-raise-h' }, t('lists_raise_title')),
    field2(`${t('lists_f_title')}${paren(t('required'))}`, title),
    h('div', { class: 'grid2' },
      field2(t('lists_f_kind'), kind), field2(t('lists_f_urgency'), urgency),
      field2(t('lists_f_quantity'), quantity), field2(t('lists_f_unit'), unit, t('lists_f_unit_hint')),
      field2(t('lists_f_beneficiaries'), beneficiaries), field2(t('lists_f_wanted_by'), wanted),
      field2(t('lists_f_source'), source)),
    field2(t('lists_f_description'), description),
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', onclick: () => box.replaceChildren() }, t('cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { community_code: ctx.code, title: title.value.trim(), kind: kind.value, urgency: urgency.value, source: source.value };
    if (quantity.value !== '') body.quantity = Number(quantity.value);
    if (unit.value.trim()) body.quantity_unit = unit.value.trim();
    if (beneficiaries.value !== '') body.beneficiaries = Number(beneficiaries.value);
    if (wanted.value) body.wanted_by = wanted.value;
    if (description.value.trim()) body.description = description.value.trim();
    if (hotspot) body.area_code = hotspot.grid.code;
    submit.disabled = true;
    try {
      const need = await api('/api/v1/needs', { method: 'POST', json: body });
      toast(t('lists_raised_ok'));
      await ctx.reload(need.id);
    } catch (e) {
      showFieldError(form, e);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

