// The personal-data scan, run by scripts/run-api after the API tests:
//
//   node tests/api/personal-data-scan.mjs RECORD_DIR DB
//
// RECORD_DIR holds what lib.mjs request() recorded during the suite (every
// answer, with the credential it was asked with); DB is the test server's
// database. The scan checks every recorded answer:
//
// - a case reporter's phone, email or name is only in answers to principals
//   whose scope covers that case: street admins of its street (or above),
//   staff of its community, the grid worker of its grid, department staff of
//   a department it was referred to, a member unit it was dispatched to, or
//   the reporter's own tracking token. Anonymous callers, residents,
//   volunteers, API clients and staff of elsewhere never get them. (Lenient
//   on time: the grid worker counts as covering even after the case left the
//   grid tier.)
// - no answer carries a password hash ($argon2…), nor any stored hash of a
//   session, API key or tracking token.
//
// Values that are not only a reporter's (the phone or name of a person of
// the network, a resource's contact, a name that is also in some text of a
// case or an organisation) are left out, since other answers show them
// legitimately; so are names shorter than three characters.
//
// Prints what it checked and every violation; exits 1 when there is one.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, db] = process.argv.slice(2);
if (!dir || !db) {
  console.error('usage: node tests/api/personal-data-scan.mjs RECORD_DIR DB');
  process.exit(2);
}

function sql(q) {
  const out = execFileSync('sqlite3', ['-readonly', '-json', db, q], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.trim() ? JSON.parse(out) : [];
}

// ---- the recorded answers ----
const records = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
  for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      /* a line cut short by a test process killed mid-write */
    }
  }
}

// ---- who asked ----
const sessions = new Map(); // cookie token -> {login, role, scope: {kind, id, code} | null}
for (const r of records) if (r.session) sessions.set(r.session.cookie, r.session.user);
const keys = sql('SELECT prefix, name, role, scope_kind, scope_id FROM api_key');
function principal(r) {
  if (r.bearer) {
    const k = keys.find((x) => r.bearer.startsWith(x.prefix));
    return k ? { login: `key:${k.name}`, role: k.role, scope: k.scope_kind ? { kind: k.scope_kind, id: k.scope_id } : null } : null;
  }
  if (r.cookie) return sessions.get(r.cookie) || null;
  return { login: 'anonymous', role: 'anonymous', scope: null };
}

// Tracking tokens, from the intake answers: token -> case id.
const tokens = new Map();
for (const r of records) {
  if (r.m === 'POST' && r.s === 201 && /^\/api\/v1\/cases(\?|$)/.test(r.p)) {
    try {
      const j = JSON.parse(r.b);
      if (j.token) tokens.set(j.token, j.id);
    } catch {
      /* not JSON */
    }
  }
}
function tokenCase(r) {
  const m = /[?&]token=([^&]+)/.exec(r.p);
  return m ? tokens.get(decodeURIComponent(m[1])) : undefined;
}

// ---- the cases and who covers them ----
const parent = new Map(sql('SELECT id, parent_id FROM area').map((a) => [a.id, a.parent_id]));
function ancestry(id) {
  const out = new Set();
  for (let a = id; a != null && !out.has(a); a = parent.get(a)) out.add(a);
  return out;
}
const cases = new Map(sql('SELECT id, reporter_name, reporter_phone, reporter_email, street_id, community_id, grid_id, department_id FROM cases')
  .map((c) => [c.id, { ...c, departments: new Set(c.department_id ? [c.department_id] : []), companies: new Set() }]));
for (const e of sql("SELECT case_id, handler, handler_id, data FROM case_event WHERE handler IN ('department', 'property_company') OR action = 'refer'")) {
  const c = cases.get(e.case_id);
  if (!c) continue;
  if (e.handler === 'department' && e.handler_id) c.departments.add(e.handler_id);
  if (e.handler === 'property_company' && e.handler_id) c.companies.add(e.handler_id);
  try {
    const d = JSON.parse(e.data || 'null');
    if (d && d.department_id) c.departments.add(d.department_id);
  } catch {
    /* no data */
  }
}
function covers(p, c) {
  if (!p || !p.scope) return false;
  const s = p.scope;
  if (s.kind === 'area') {
    const up = (id) => (id ? ancestry(id).has(s.id) : false);
    if (p.role === 'street_admin') return up(c.street_id) || up(c.community_id) || up(c.grid_id);
    if (p.role === 'community_staff') return s.id === c.community_id;
    if (p.role === 'grid_worker') return s.id === c.grid_id;
    return false;
  }
  if (p.role === 'department_staff') return c.departments.has(s.id);
  if (p.role === 'member_unit') return c.companies.has(s.id);
  return false;
}

// ---- the values searched for ----
const shared = new Set();
for (const p of sql('SELECT name, phone FROM person')) {
  shared.add(p.name);
  if (p.phone) shared.add(p.phone.replace(/\D/g, ''));
}
for (const r of sql('SELECT contact_name, contact_phone FROM resource')) {
  if (r.contact_name) shared.add(r.contact_name);
  if (r.contact_phone) shared.add(r.contact_phone.replace(/\D/g, ''));
}
const texts = sql("SELECT group_concat(coalesce(description, '') || ' ' || coalesce(address, ''), ' ') AS t FROM cases")[0].t || '';
const moreTexts = sql("SELECT (SELECT group_concat(coalesce(text, ''), ' ') FROM case_event) || ' ' || (SELECT group_concat(name, ' ') FROM organisation) || ' ' || (SELECT group_concat(name, ' ') FROM area) AS t")[0].t || '';
const inText = (s) => texts.includes(s) || moreTexts.includes(s);

const phones = new Map(); // digits -> [case ids]
const words = new Map(); // name or email -> [case ids]
const add = (m, k, id) => m.set(k, [...(m.get(k) || []), id]);
let skipped = 0;
for (const c of cases.values()) {
  if (c.reporter_phone) {
    const d = c.reporter_phone.replace(/\D/g, '');
    if (d.length >= 7 && !shared.has(d)) add(phones, d, c.id);
    else skipped++;
  }
  if (c.reporter_email) add(words, c.reporter_email, c.id);
  if (c.reporter_name) {
    if ([...c.reporter_name].length >= 3 && !shared.has(c.reporter_name) && !inText(c.reporter_name)) add(words, c.reporter_name, c.id);
    else skipped++;
  }
}
const wordList = [...words.keys()];
const cjk = wordList.filter((w) => /^[\u3400-\u9fff·]+$/.test(w));
const cjkSet = new Set(cjk);
const cjkLens = [...new Set(cjk.map((w) => w.length))];
const others = wordList.filter((w) => !cjkSet.has(w));

/** The case ids whose reporter data appear in text. */
function found(text) {
  const hits = new Map(); // case id -> the value
  for (const m of text.matchAll(/\+?\d[\d \-]{5,22}\d/g)) {
    const d = m[0].replace(/\D/g, '');
    for (const k of [d, d.startsWith('86') ? d.slice(2) : null]) for (const id of phones.get(k) || []) hits.set(id, m[0]);
  }
  for (const m of text.matchAll(/[\u3400-\u9fff·]{2,}/g)) {
    const run = m[0];
    for (const n of cjkLens)
      for (let i = 0; i + n <= run.length; i++) {
        const s = run.slice(i, i + n);
        if (cjkSet.has(s)) for (const id of words.get(s)) hits.set(id, s);
      }
  }
  for (const w of others) if (text.includes(w)) for (const id of words.get(w)) hits.set(id, w);
  return hits;
}

// Hashes the store keeps: none may be in an answer.
const hashes = new Set([
  ...sql('SELECT key_hash AS h FROM api_key').map((x) => x.h),
  ...sql('SELECT token_hash AS h FROM session').map((x) => x.h),
  ...sql('SELECT token_hash AS h FROM cases').map((x) => x.h),
]);

// ---- the scan ----
const violations = [];
let withData = 0;
for (const r of records) {
  const text = r.b || '';
  const where = `${r.m} ${r.p} (${r.s})`;
  if (text.includes('$argon2')) violations.push(`${where}: a password hash in the answer`);
  for (const m of text.matchAll(/[0-9a-f]{64}/g)) if (hashes.has(m[0])) violations.push(`${where}: a stored hash (${m[0].slice(0, 8)}…) in the answer`);
  const hits = found(text);
  if (!hits.size) continue;
  withData++;
  const p = principal(r);
  const own = tokenCase(r);
  for (const [id, value] of hits) {
    const c = cases.get(id);
    // A value shared by several cases is fine when the caller covers any of them.
    const ids = phones.get(value.replace(/\D/g, '')) || words.get(value) || [id];
    if (ids.some((x) => x === own || covers(p, cases.get(x)))) continue;
    const whoText = p ? `${p.login} (${p.role}${p.scope ? ` ${p.scope.kind} ${p.scope.code || p.scope.id}` : ''})` : `an unknown ${r.bearer ? 'API key' : 'session'}`;
    violations.push(`${where} as ${whoText}: shows ${value}, reporter of case ${id} (street ${c.street_id}, community ${c.community_id}, grid ${c.grid_id})`);
  }
}

const uniq = [...new Set(violations)];
console.log(`personal-data scan: ${records.length} answers recorded, ${cases.size} cases (${phones.size} reporter phones, ${words.size} names/emails searched for; ${skipped} values shared with other data not searched), ${withData} answers showed reporter data, ${uniq.length} violations`);
for (const v of uniq.slice(0, 50)) console.log(`  ${v}`);
if (uniq.length > 50) console.log(`  … and ${uniq.length - 50} more`);
process.exit(uniq.length ? 1 : 0);
