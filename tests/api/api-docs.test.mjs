// Every route in src/api/routes.c is documented in docs/API.md.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROUTES = join(ROOT, 'src/api/routes.c');
const DOC = join(ROOT, 'docs/API.md');

/** The {"METHOD", "/path", ...} rows of the route table. */
function routes() {
  const src = readFileSync(ROUTES, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const rows = [];
  for (const m of src.matchAll(/\{\s*"([A-Z]+)"\s*,\s*"(\/[^"]*)"/g)) rows.push({ method: m[1], path: m[2] });
  return rows;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('src/api/routes.c has routes', () => {
  assert.ok(routes().length >= 1, 'no {"METHOD", "/path", ...} rows found in src/api/routes.c');
});

test('docs/API.md documents every route of src/api/routes.c (a line with "METHOD /path")', () => {
  assert.ok(existsSync(DOC), 'docs/API.md does not exist: it must document every route of src/api/routes.c');
  const doc = readFileSync(DOC, 'utf8');
  const missing = routes().filter(({ method, path }) => {
    const re = new RegExp(`(^|[^A-Za-z])${method}\\s+\`?${escape(path)}(?![A-Za-z0-9_/{}-])`, 'm');
    return !re.test(doc);
  });
  assert.deepEqual(
    missing.map((r) => `${r.method} ${r.path}`),
    [],
    `docs/API.md lacks ${missing.length} route(s); add a heading or line "METHOD /path" for each`,
  );
});
