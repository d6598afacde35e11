// Faults: the disk under a running server fails, and clears. For each fault
// the server must answer writes 503 with Retry-After and a message that
// names what is unavailable, keep answering reads, lose nothing it
// acknowledged (and keep nothing it refused), and resume writing without a
// restart once the fault clears:
//
//   disk full   a size-limited tmpfs filled up with a ballast file (when this
//               process may mount one: tests/stress/run gives it a private
//               mount namespace as root), else ENOSPC injected by faultfs
//   read-only   writes fail with EROFS, as after the kernel remounts a file
//               system read-only (faultfs: a file system cannot be remounted
//               read-only while the server holds a file open for writing)
//   I/O error   fsync fails with EIO (faultfs)
//   stalled     fsync does not return until the fault clears (faultfs): the
//               writes queued behind it and new ones are answered 503 after
//               STORE_STALL_SECONDS; the stuck batch commits when it clears
//
// faultfs (tests/stress/faultfs.c, built by make stress-tools) is preloaded
// into the server; it acts only on the database's files, only while the
// control file exists. Latencies and recovery times are printed, not
// asserted. Usage: node tests/stress/faults.mjs BUILD_DIR (run by
// tests/stress/run). The server log is BUILD_DIR/stress-faults.log.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  Tally, act, countersMatch, errorText, fixtures, integrity, now, report, reportedId, request, sleep, spread, sql,
  startServer, stopServer,
} from './lib.mjs';

const [buildArg] = process.argv.slice(2);
if (!buildArg) {
  console.error('usage: node tests/stress/faults.mjs BUILD_DIR');
  process.exit(2);
}
const BIN = resolve(buildArg, 'tongxin');
const SHIM = resolve(buildArg, 'stress/faultfs.so');
const LOG = resolve(buildArg, 'stress-faults.log');
const RECOVER_WAIT_MS = 120000; // hang guard for writing to resume (each request has its own, lib.mjs)
const STUCK_WAIT_MS = 60000; // hang guard for the first write to reach the disk

const work = mkdtempSync(join(tmpdir(), 'tongxin-faults.'));
const CTL = join(work, 'fault');
writeFileSync(LOG, '');
const t = new Tally();
let server = null;
let mounted = null;
// Stopped by the hang guard (or ^C): the server must not outlive us.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    if (server) server.proc.kill('SIGKILL');
    process.exit(1);
  });
}

/** A tmpfs of its own for the database, when this process may mount one. */
function mountSmallDisk() {
  if (process.env.TX_STRESS_PRIVATE_MOUNTS !== '1') return null;
  const dir = join(work, 'disk');
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : null;
}

/** Fill the file system under dir: a ballast file grows until ENOSPC. */
function fill(path) {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 9]) {
      const buf = Buffer.alloc(size, 0x55);
      for (;;) {
        try {
          if (writeSync(fd, buf) < size) break;
        } catch (e) {
          if (e.code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

const fault = (word) => writeFileSync(CTL, word);
const clearFault = () => rmSync(CTL, { force: true });

// What was acknowledged (must be there) and refused (must not be), by the
// description or note text each request carried.
const acked = [];
const refused = [];
let keys;
let caseId; // a case for staff actions and reads

/** Reads during a fault: the Open311 request, the case as staff see it. */
async function reads(base) {
  const ms = [];
  let ok = true;
  for (let i = 0; i < 3; i++) {
    const a = await request(`${base}/open311/v2/requests/${caseId}.json`);
    const b = await request(`${base}/api/v1/cases/${caseId}`, { headers: { authorization: `Bearer ${keys.ops}` } });
    ok &&= a.status === 200 && b.status === 200;
    ms.push(a.ms, b.ms);
  }
  return { ok, ms };
}

/** A write refused as it should be: 503, Retry-After, the fault's words. */
function refusedRight(r, words) {
  return r.status === 503 && Number(r.headers.get('retry-after')) > 0 && words.test(errorText(r));
}

/** Write until one is acknowledged (each refused one is remembered). */
async function recover(base, name) {
  const t0 = now();
  for (let i = 0; now() - t0 < RECOVER_WAIT_MS; i++) {
    const desc = `fault ${name} after ${i}`;
    const r = await report(base, keys.intake, desc);
    if (r.status === 200) {
      acked.push(desc);
      return { ms: now() - t0, tries: i + 1 };
    }
    refused.push(desc);
    await sleep(20);
  }
  return null;
}

/** A fault that fails writes at once: disk full, read-only, I/O error. */
async function failingDisk(name, words, start, stop) {
  const base = server.url;
  const before = await report(base, keys.intake, `fault ${name} before`);
  t.check(`${name}: a write before the fault is acknowledged`, before.status === 200, `${before.status} ${errorText(before)}`);
  if (before.status === 200) acked.push(`fault ${name} before`);

  start();
  const answers = [];
  for (let i = 0; i < 5; i++) {
    const desc = `fault ${name} refused ${i}`;
    answers.push(await report(base, keys.intake, desc));
    refused.push(desc);
  }
  const note = `fault ${name} refused note`;
  answers.push(await act(base, keys.ops, caseId, { action: 'note', text: note }));
  refused.push(note);
  const wrong = answers.filter((r) => !refusedRight(r, words));
  t.check(`${name}: writes are answered 503 with Retry-After, saying ${words}`, wrong.length === 0,
    wrong.map((r) => `${r.status} ${r.headers.get('retry-after')} ${errorText(r)}`).slice(0, 2).join(' | '));
  const rd = await reads(base);
  t.check(`${name}: reads are answered meanwhile`, rd.ok);

  stop();
  const rec = await recover(base, name);
  t.check(`${name}: writing resumes without a restart once the fault clears`, rec !== null);
  console.log(`${name}: 503 in ${spread(answers.map((r) => r.ms))}; reads meanwhile ${spread(rd.ms)}; ` +
    (rec ? `writing resumed ${rec.ms.toFixed(0)} ms after the fault cleared (${rec.tries} tries)` : 'writing did not resume'));
  console.log(`${name}: the message: "${errorText(answers[0])}"`);
}

/** The writer hangs in fsync; it is declared stalled after STORE_STALL_SECONDS. */
async function stalledWriter() {
  const name = 'stalled writer';
  const base = server.url;
  fault('stall');
  const t0 = now();
  // The first write's batch hangs in its commit: its outcome comes when the
  // disk answers, and it is then acknowledged.
  const stuck = report(base, keys.intake, `fault ${name} stuck`);
  // faultfs marks the moment a sync starts waiting.
  while (!existsSync(`${CTL}.stalled`) && now() - t0 < STUCK_WAIT_MS) await sleep(10);
  t.check(`${name}: the writer is stuck in its commit`, existsSync(`${CTL}.stalled`));
  // Writes queued behind it are answered once the stall is declared.
  const queued = [];
  for (let i = 0; i < 3; i++) {
    const desc = `fault ${name} queued ${i}`;
    queued.push(report(base, keys.intake, desc));
    refused.push(desc);
  }
  const q = await Promise.all(queued);
  const declaredMs = now() - t0;
  // Now a write is refused at once, a staff action too, and /readyz says so.
  const fresh = [];
  for (let i = 0; i < 3; i++) {
    const desc = `fault ${name} refused ${i}`;
    fresh.push(await report(base, keys.intake, desc));
    refused.push(desc);
  }
  const note = `fault ${name} refused note`;
  fresh.push(await act(base, keys.ops, caseId, { action: 'note', text: note }));
  refused.push(note);
  const ready = await request(`${base}/readyz`);
  const rd = await reads(base);
  const words = /stalled/;
  const wrong = [...q, ...fresh].filter((r) => !refusedRight(r, words));
  t.check(`${name}: queued and new writes are answered 503 with Retry-After, saying ${words}`, wrong.length === 0,
    wrong.map((r) => `${r.status} ${errorText(r)}`).slice(0, 2).join(' | '));
  t.check(`${name}: /readyz answers 503`, ready.status === 503, `${ready.status}`);
  t.check(`${name}: reads are answered meanwhile`, rd.ok);
  // Guard against a stall that is never declared.
  const pending = await Promise.race([stuck.then(() => 'answered'), sleep(10).then(() => 'pending')]);
  t.check(`${name}: the stuck write waits for its outcome`, pending === 'pending', 'it was answered during the stall');

  clearFault();
  rmSync(`${CTL}.stalled`, { force: true });
  const tc = now();
  const s = await stuck;
  const stuckMs = now() - tc;
  t.check(`${name}: the stuck write is acknowledged when the disk answers`, s.status === 200, `${s.status} ${errorText(s)}`);
  if (s.status === 200) acked.push(`fault ${name} stuck`);
  const rec = await recover(base, name);
  t.check(`${name}: writing resumes without a restart`, rec !== null);
  const ready2 = await request(`${base}/readyz`);
  t.check(`${name}: /readyz answers 200 again`, ready2.status === 200, `${ready2.status}`);
  console.log(`${name}: queued writes answered 503 after ${spread(q.map((r) => r.ms))}; new writes 503 in ` +
    `${spread(fresh.map((r) => r.ms))}; reads meanwhile ${spread(rd.ms)}; the stuck write answered ` +
    `${stuckMs.toFixed(0)} ms after the disk came back` +
    (rec ? `, a new write acknowledged ${rec.ms.toFixed(0)} ms after (${rec.tries} tries)` : ''));
  console.log(`${name}: the message: "${errorText(q[0] || fresh[0])}" (declared ${(declaredMs / 1000).toFixed(1)} s in)`);
}

/** Acknowledged writes are there, refused ones are not. */
function accounted(db) {
  const texts = new Set([
    ...sql(db, "SELECT description FROM cases WHERE description LIKE 'fault %'").map((r) => r[0]),
    ...sql(db, "SELECT text FROM case_event WHERE text LIKE 'fault %'").map((r) => r[0]),
  ]);
  return { lost: acked.filter((d) => !texts.has(d)), kept: refused.filter((d) => texts.has(d)) };
}

async function main() {
  if (!existsSync(SHIM)) throw new Error(`${SHIM} is missing: make stress-tools`);
  const disk = mountSmallDisk();
  if (disk) mounted = disk;
  const DB = join(disk || work, 'tongxin.db');
  console.log(disk ? 'disk full: a 64 MiB tmpfs, filled by a ballast file'
                   : 'disk full: no file system could be mounted here; ENOSPC is injected by faultfs');
  keys = fixtures(BIN, DB, work);
  // A sanitizer runtime wants to be loaded first; faultfs only forwards calls.
  const asan = process.env.ASAN_OPTIONS;
  const env = { LD_PRELOAD: SHIM, TX_FAULT_CTL: CTL, TX_FAULT_DB: DB };
  if (asan !== undefined) env.ASAN_OPTIONS = `${asan}:verify_asan_link_order=0`;
  server = await startServer(BIN, DB, { log: LOG, cwd: work, env });
  const first = await report(server.url, keys.intake, 'fault setup');
  caseId = reportedId(first);
  if (!t.check('setup: a case to act on and read', first.status === 200, `${first.status} ${errorText(first)}`)) return;
  acked.push('fault setup');

  const ballast = join(disk || work, 'ballast');
  if (disk) await failingDisk('disk full', /disk is full/, () => fill(ballast), () => unlinkSync(ballast));
  else await failingDisk('disk full', /disk is full/, () => fault('enospc'), clearFault);
  await failingDisk('read-only', /read-only/, () => fault('erofs'), clearFault);
  await failingDisk('I/O error', /I\/O error/, () => fault('eio'), clearFault);
  await stalledWriter();

  const m = await request(`${server.url}/metrics`);
  const metric = (n) => (m.text.match(new RegExp(`^${n} (\\d+)`, 'm')) || [])[1];
  console.log(`metrics: tongxin_writer_commit_failures_total ${metric('tongxin_writer_commit_failures_total')}, ` +
    `failed write jobs ${metric('tongxin_writer_jobs_total\\{outcome="failed"\\}')}`);

  const { lost, kept } = accounted(DB);
  t.check('every acknowledged write is there', lost.length === 0, lost.slice(0, 5).join(', '));
  t.check('no refused write is there', kept.length === 0, kept.slice(0, 5).join(', '));
  const exit = await stopServer(server);
  server = null;
  t.check('the server stops on SIGTERM and exits 0', exit === 0, `exit ${exit}`);
  const integ = integrity(DB);
  t.check('integrity_check ok', integ === 'ok', integ);
  const counters = countersMatch(BIN, DB);
  t.check('counters re-derived from the events match', counters === 'match', counters);
  console.log(`faults: acknowledged ${acked.length}, lost ${lost.length}, refused ${refused.length}, ` +
    `refused but kept ${kept.length}, integrity ${integ}`);
}

try {
  await main();
} catch (e) {
  t.check('the fault test ran to its end', false, e.stack || String(e));
} finally {
  clearFault();
  if (server) {
    server.proc.kill('SIGKILL');
    await server.exited;
  }
  if (mounted) {
    if (t.failed > 0) cpSync(mounted, join(work, 'disk-copy'), { recursive: true });
    spawnSync('umount', [mounted]);
  }
  if (t.failed === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`(files kept in ${work}; server log ${LOG})`);
  t.finish();
}
