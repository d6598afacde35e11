// HTTP abuse on loopback, the quick version (the long one, which holds the
// slow connections until the server drops them and fills every connection
// slot, is tests/stress/http-abuse.test.mjs, in make stress).
//
// On a server of our own (the shared one serves the other tests): 2000 idle
// connections (fewer when ulimit -n leaves no room for them), 100 connections trickling their headers, 50 trickling a body,
// and meanwhile, in rounds, oversized headers (431), too many headers (400),
// a 100 MB Content-Length (413 before reading), a 2 MiB JSON body (413), a
// chunked body that never ends (413 at h2o's cap), random bytes (400) and
// good requests followed by garbage (answered, then closed). A well-behaved
// client in a worker thread asks GET /readyz and /healthz in turn all along:
// every one of its requests must be answered 200. Its latency is printed per
// phase (no time is asserted). Afterwards the abusers hang up and the server
// must give back what they held: its connection gauge (/metrics) and its
// open file descriptors return to where they were, and it still stops
// cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  closeAll, connectionsGauge, idle, latencyTable, openFileLimit, peakSampler, processFigures, refused, startProber, startServer, trickle, until,
} from './abuse-lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Each idle connection is a file here and one in the server (the same limit):
// 2000 of them, or as many as the limit on open files leaves room for.
const IDLE = Math.min(2000, openFileLimit() - 400);

test('a well-behaved client is answered all through HTTP abuse, and the server gives back what the abusers held', { skip: IDLE < 500 && `the limit on open files (ulimit -n ${openFileLimit()}) is too low` }, async (t) => {
  if (IDLE < 2000) t.diagnostic(`only ${IDLE} idle connections: ulimit -n is ${openFileLimit()}`);
  const srv = await startServer({ maxConnections: 4000 });
  let stopped = false;
  try {
    const base = await connectionsGauge(srv.port); // counts its own connection
    const before = processFigures(srv.pid);
    const prober = startProber(srv.port);
    prober.phase('quiet');
    await sleep(1000);

    prober.phase('abuse');
    const sampler = peakSampler(srv.pid);
    const idles = await idle(srv.port, IDLE);
    const slowHeads = trickle(srv.port, 100, 'headers');
    const slowBodies = trickle(srv.port, 50, 'body');
    // All held at once (the server drops idle ones after 10 s: asked at once).
    const held = await until(() => connectionsGauge(srv.port), (n) => n >= IDLE, 5000);
    const answers = { bigHeader: [], manyHeaders: [], bigContentLength: [], bigBody: [], endlessChunked: [], garbage: [], pipelinedGarbage: [] };
    for (let round = 0; round < 2; round++) {
      const got = await Promise.all([
        ...Array.from({ length: 10 }, () => refused.bigHeader(srv.port).then((r) => ['bigHeader', r])),
        ...Array.from({ length: 10 }, () => refused.manyHeaders(srv.port).then((r) => ['manyHeaders', r])),
        ...Array.from({ length: 10 }, () => refused.bigContentLength(srv.port).then((r) => ['bigContentLength', r])),
        refused.bigBody(srv.port).then((r) => ['bigBody', r]),
        refused.endlessChunked(srv.port).then((r) => ['endlessChunked', r]),
        ...Array.from({ length: 20 }, () => refused.garbage(srv.port).then((r) => ['garbage', r])),
        ...Array.from({ length: 20 }, () => refused.pipelinedGarbage(srv.port).then((s) => ['pipelinedGarbage', s])),
      ]);
      for (const [k, v] of got) answers[k].push(v);
    }
    const peak = sampler.stop();

    prober.phase('after');
    closeAll(idles);
    closeAll(slowHeads.socks);
    closeAll(slowBodies.socks);
    // The prober's keep-alive connection stays: one more than the baseline.
    const settled = await until(() => connectionsGauge(srv.port), (n) => n <= base + 1);
    const after = await until(() => processFigures(srv.pid), (f) => f.fds <= before.fds + 2);
    await sleep(1000);
    const samples = await prober.stop();

    const table = latencyTable(samples);
    for (const row of table) t.diagnostic(`well-behaved client, ${row.phase}: ${row.requests} requests, ${row.failed} failed, p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, max ${row.max_ms} ms`);
    t.diagnostic(`server: connections ${base} before, ${held} while abused, ${settled} after; fds ${before.fds} / ${peak.fds} / ${after.fds}; RSS ${before.rssMiB} / ${peak.rssMiB} / ${after.rssMiB} MiB`);
    t.diagnostic(`slow connections the server closed itself during the abuse: ${slowHeads.closeTimes.length + slowBodies.closeTimes.length} of 150`);

    // The well-behaved client was answered every time.
    const bad = samples.filter((s) => s.error || s.status !== 200);
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${samples.length} requests of the well-behaved client failed`);
    assert.ok(table.find((r) => r.phase === 'abuse').requests > 0, 'it asked while the abuse went on');
    // The abusers were held (the idle connections were open at once) and answered as they deserve.
    assert.ok(held >= IDLE, `the server held the ${IDLE} idle connections at once: gauge ${held}`);
    // Each is answered with its status and the connection closed; where the
    // client is still sending when the server closes, the kernel's reset may
    // drop the answer, so a connection closed unanswered counts as refused too.
    const all = (k, status, mayLoseAnswer) => {
      const ok = (r) => r.closed && (r.status === status || (mayLoseAnswer && r.status === null));
      assert.ok(answers[k].every(ok), `${k}: ${JSON.stringify(answers[k].map((r) => [r.status, r.closed]))}`);
      assert.ok(answers[k].some((r) => r.status === status), `${k}: answered ${status} at least once`);
    };
    all('bigHeader', 431, false);
    all('manyHeaders', 400, true);
    all('bigContentLength', 413, true);
    all('bigBody', 413, true);
    all('endlessChunked', 413, true);
    all('garbage', 400, true);
    // Pipelined: the two good requests answered in order, then the garbage refused (a reset may cut the tail).
    const pipe = answers.pipelinedGarbage;
    assert.ok(pipe.every((s) => s.every((x, i) => (i < 2 ? x === 200 : x >= 400))), `pipelined answers: ${JSON.stringify(pipe)}`);
    assert.ok(pipe.some((s) => s.length >= 2), `the requests before the garbage are answered: ${JSON.stringify(pipe)}`);
    // …and what they held is given back.
    assert.ok(settled <= base + 1, `the connection gauge returns to ${base} (+1, the well-behaved client's): ${settled}`);
    assert.ok(after.fds <= before.fds + 2, `open files return to ${before.fds} (+ the client's connection): ${after.fds}`);
    const r = await connectionsGauge(srv.port);
    assert.ok(r >= 1, 'the server still answers');
    stopped = true;
    const exit = await srv.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `the server stops cleanly after the abuse: ${srv.log().slice(-500)}`);
  } finally {
    if (!stopped) await srv.stop();
  }
});
