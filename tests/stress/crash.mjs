// Crash durability: a server under concurrent Open311 reports and staff
// actions is killed with SIGKILL at a random moment, restarted, and checked,
// CYCLES times over one database:
//
//   - every request that got a success answer is there, with its events (a
//     report: its case and its "report" event; an action: its event, on its
//     case): a write is answered only once it is durable;
//   - PRAGMA integrity_check is ok, and no foreign key dangles;
//   - the case counters re-derived from the events equal the incremental
//     ones (tongxin stats cases --recompute);
//   - and at the end, the webhook outbox has delivered every event at least
//     once to a receiver that stayed up through the crashes.
//
// Usage: node tests/stress/crash.mjs BUILD_DIR CYCLES (run by tests/stress/run).
// Prints a line per cycle, "cycles C, acknowledged A, lost L, integrity I",
// then "N passed, N failed". The server log is BUILD_DIR/stress-crash.log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  Tally, act, countersMatch, fixtures, integrity, now, receiver, report, reportedId, request, sleep, sql,
  startServer, stopServer,
} from './lib.mjs';

const [buildArg, cyclesArg] = process.argv.slice(2);
if (!buildArg) {
  console.error('usage: node tests/stress/crash.mjs BUILD_DIR [CYCLES]');
  process.exit(2);
}
const BIN = resolve(buildArg, 'tongxin');
const CYCLES = Number(cyclesArg || 5);
const LOG = resolve(buildArg, 'stress-crash.log');
const WORKERS = 8; // concurrent clients: enough to make batches of several jobs
const KILL_WITHIN_MS = 1500; // the kill comes at a random moment this long after the first answer
const WEBHOOK_WAIT_MS = 300000; // hang guard for the outbox to drain

const work = mkdtempSync(join(tmpdir(), 'tongxin-crash.'));
const DB = join(work, 'tongxin.db');
writeFileSync(LOG, '');
const t = new Tally();

// What was acknowledged: case id → {accepted, events: [event ids of its actions]}.
const cases = new Map();
const caseIds = [];
let acknowledged = 0;
const statuses = new Map(); // answers that were not a success, by status
let serial = 0;
let server = null; // the one running now
// Stopped by the hang guard (or ^C): the server must not outlive us.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    if (server) server.proc.kill('SIGKILL');
    process.exit(1);
  });
}

/** One client: reports and acts until the server goes away. */
async function client(base, keys, state) {
  while (!state.dead) {
    const n = ++serial;
    try {
      if (caseIds.length > 0 && Math.random() < 0.5) {
        const id = caseIds[Math.floor(Math.random() * caseIds.length)];
        const c = cases.get(id);
        const body = c.accepted ? { action: 'note', text: `crash test note ${n}` } : { action: 'accept' };
        const r = await act(base, keys.ops, id, body);
        if (r.status === 200 || r.status === 201) {
          c.events.push(r.json.event_id);
          acknowledged++;
          state.acks++;
          if (body.action === 'accept') c.accepted = true;
        } else {
          // Another client's accept won (perhaps one whose answer the kill ate).
          if (body.action === 'accept' && r.status === 409) c.accepted = true;
          statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
        }
      } else {
        const r = await report(base, keys.intake, `crash test report ${n}`);
        if (r.status === 200) {
          const id = reportedId(r);
          cases.set(id, { accepted: false, events: [] });
          caseIds.push(id);
          acknowledged++;
          state.acks++;
        } else {
          statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
        }
      }
    } catch {
      // The connection broke: the server was killed (or is being). The
      // outcome of this request is unknown, and it was not acknowledged.
      if (!state.dead) await sleep(10);
    }
  }
}

/** Lost acknowledged writes, looked up in the database. */
function lostWrites() {
  const events = new Map(); // event id → case id
  const reports = new Map(); // case id → its report event id
  for (const [id, caseId, action] of sql(DB, 'SELECT id, case_id, action FROM case_event')) {
    events.set(Number(id), Number(caseId));
    if (action === 'report') reports.set(Number(caseId), Number(id));
  }
  const lost = [];
  for (const [id, c] of cases) {
    if (!reports.has(id)) lost.push(`case ${id}`);
    for (const e of c.events) if (events.get(e) !== id) lost.push(`event ${e} of case ${id}`);
  }
  return lost;
}

async function main() {
  const keys = fixtures(BIN, DB, work);
  const rx = await receiver();
  server = await startServer(BIN, DB, { log: LOG, cwd: work });
  const hook = await request(`${server.url}/api/v1/webhooks`, {
    body: JSON.stringify({ name: 'stress receiver', url: rx.url, secret: rx.secret, event_types: ['*'] }),
    headers: { authorization: `Bearer ${keys.ops}`, 'content-type': 'application/json' },
  });
  if (!t.check('a webhook receiver is registered', hook.status === 201, `${hook.status} ${hook.text.slice(0, 200)}`)) {
    await rx.close();
    return;
  }
  const hookId = hook.json.id;

  let lostTotal = 0;
  let integrityAll = 'ok';
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const state = { dead: false, acks: 0 };
    const t0 = now();
    const clients = Array.from({ length: WORKERS }, () => client(server.url, keys, state));
    // A random moment once the server is answering writes.
    while (state.acks === 0 && now() - t0 < 120000) await sleep(5);
    await sleep(Math.random() * KILL_WITHIN_MS);
    server.proc.kill('SIGKILL');
    const loadMs = now() - t0;
    await server.exited;
    state.dead = true;
    await Promise.all(clients);

    const t1 = now();
    server = await startServer(BIN, DB, { log: LOG, cwd: work });
    const restartMs = now() - t1;
    const lost = lostWrites();
    const integ = integrity(DB);
    const counters = countersMatch(BIN, DB);
    lostTotal += lost.length;
    if (integ !== 'ok') integrityAll = integ;
    console.log(
      `cycle ${cycle}: ${state.acks} acknowledged in ${(loadMs / 1000).toFixed(1)} s of load before SIGKILL; ` +
        `restarted in ${(restartMs / 1000).toFixed(2)} s; lost ${lost.length}; integrity ${integ}; counters ${counters}`,
    );
    t.check(`cycle ${cycle}: every acknowledged write survived the kill`, lost.length === 0, lost.slice(0, 5).join(', '));
    t.check(`cycle ${cycle}: integrity_check ok`, integ === 'ok', integ);
    t.check(`cycle ${cycle}: counters re-derived from the events match`, counters === 'match', counters);
  }
  const other = [...statuses].map(([s, n]) => `${s} ×${n}`).join(', ') || 'none';
  console.log(`answers other than success (not counted as acknowledged): ${other}`);
  t.check('no 500 answers', !statuses.has(500), other);

  // The outbox: every delivery row of the receiver's webhook reaches it.
  const t2 = now();
  let missing = [];
  for (;;) {
    const want = new Set(sql(DB, `SELECT event_id FROM webhook_delivery WHERE webhook_id = ${hookId}`).map((r) => Number(r[0])));
    const events = sql(DB, 'SELECT id FROM case_event').map((r) => Number(r[0]));
    missing = events.filter((e) => !rx.byEvent.has(e));
    const unqueued = events.filter((e) => !want.has(e));
    if ((missing.length === 0 && unqueued.length === 0) || now() - t2 > WEBHOOK_WAIT_MS) {
      missing = [...missing, ...unqueued.map((e) => `${e} (not in the outbox)`)];
      break;
    }
    await sleep(500);
  }
  const dup = rx.deliveries - rx.byEvent.size;
  console.log(
    `webhooks: ${rx.byEvent.size} events received (${dup} sent more than once), the last ` +
      `${((now() - t2) / 1000).toFixed(1)} s after the last restart; bad signatures ${rx.badSignatures}`,
  );
  t.check('the webhook outbox delivered every event at least once', missing.length === 0,
    `${missing.length} missing: ${missing.slice(0, 5).join(', ')}`);
  t.check('every delivery was signed with the secret', rx.badSignatures === 0, `${rx.badSignatures} bad`);

  const exit = await stopServer(server);
  server = null;
  t.check('the server stops on SIGTERM and exits 0', exit === 0, `exit ${exit}`);
  const integ = integrity(DB);
  if (integ !== 'ok') integrityAll = integ;
  t.check('integrity_check ok after the clean stop', integ === 'ok', integ);
  await rx.close();
  console.log(`cycles ${CYCLES}, acknowledged ${acknowledged}, lost ${lostTotal}, integrity ${integrityAll}`);
}

try {
  await main();
} catch (e) {
  t.check('the crash test ran to its end', false, e.stack || String(e));
} finally {
  if (server) {
    server.proc.kill('SIGKILL');
    await server.exited;
  }
  if (t.failed === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`(database kept in ${work}; server log ${LOG})`);
  t.finish();
}
