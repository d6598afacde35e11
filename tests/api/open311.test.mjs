// Open311 GeoReport v2 at /open311/v2, clause by clause through the
// specification (../shared/specs/open311/): service discovery, GET services,
// GET a service definition, POST a service request (api_key, the
// x-www-form-urlencoded fields, errors), GET service requests (each filter,
// the 90-day default, page and page_size), GET one request, GET a token, and
// mySociety's servicerequestupdates. Every answer is checked in XML (the
// required format, parsed here by a strict little reader) and JSON, and
// nothing the reporters gave about themselves may come back from any GET.
//
// The demo street must be loaded. Other test files share this server:
// every request made here carries this run's marker (RUN) in its
// description, and the list assertions look at this file's own requests.
// The 1000-record default needs more requests than a shared server should
// get: tests/unit/store/test_open311.c proves it on its own database.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before } from 'node:test';
import { BASE, cli, request } from './lib.mjs';
import { ANON, assertStatus, dtest, get, interiorPoint, post, session, uniqueCode } from './network-lib.mjs';

const V2 = '/open311/v2';
const RUN = uniqueCode('O311');
const JURISDICTION = 'danshui.huiyang.huizhou.cn';
const W3C = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;
const XML_TYPE = /^text\/xml; charset=utf-8$/i;
const JSON_TYPE = /^application\/json; charset=utf-8$/i;
const DAY = 86400e3;

/** n random CJK characters (a name nobody else's data has). */
function han(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x5000));
  return s;
}

// What the reporters say about themselves: none of it may come back.
const PERSONAL = {
  first_name: han(3),
  last_name: han(2),
  phone: `1380013${String(Date.now()).slice(-4)}`,
  email: `o311.${RUN.toLowerCase()}@example.cn`,
  device_id: `device-${RUN}`,
  account_id: `acct-${RUN}`,
};

// ---- a strict little XML reader ----

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(s) {
  return s.replace(/&([a-z]+|#\d+|#x[0-9a-fA-F]+);|&/g, (m, e) => {
    if (m === '&') throw new Error('a bare & in XML text');
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    if (!(e in ENTITIES)) throw new Error(`unknown entity &${e};`);
    return ENTITIES[e];
  });
}

/**
 * Parse an Open311 XML document (declaration, elements, text; no
 * attributes, comments or CDATA, which the spec's documents do not use).
 * Throws unless it is well-formed. Returns {name, children, text, empty}.
 */
function parseXml(text) {
  const decl = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!text.startsWith(decl)) throw new Error(`no XML declaration with encoding UTF-8: ${text.slice(0, 60)}`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(text)) throw new Error('a character XML 1.0 forbids');
  const re = /<(\/?)([A-Za-z_][A-Za-z0-9_.-]*)\s*(\/?)>|([^<]+)|(<)/g;
  const stack = [{ name: '#document', children: [], text: '' }];
  let root = null;
  let m;
  re.lastIndex = decl.length;
  while ((m = re.exec(text)) !== null) {
    const top = stack[stack.length - 1];
    if (m[5]) throw new Error(`a stray < at ${m.index}: ${text.slice(m.index, m.index + 30)}`);
    if (m[4] !== undefined) {
      if (stack.length === 1) {
        if (m[4].trim()) throw new Error(`text outside the root: ${m[4].slice(0, 30)}`);
        continue;
      }
      top.text += decodeText(m[4]);
      continue;
    }
    const [, close, name, selfClose] = m;
    if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const el = { name, children: [], text: '', empty: !!selfClose };
    if (stack.length === 1) {
      if (root) throw new Error('two root elements');
      root = el;
    }
    top.children.push(el);
    if (!selfClose) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

// Open311's XML read back as its JSON (the Spark convention): these
// elements are lists of their children; other elements with children are
// objects; a leaf is its text (<x/> null). Numbers and booleans stay text.
const LISTS = new Set(['services', 'service_requests', 'attributes', 'values', 'errors', 'endpoints', 'formats',
  'service_request_updates']);

function xmlValue(el) {
  if (LISTS.has(el.name)) return el.children.map((c) => xmlValue(c));
  if (el.children.length) {
    assert.equal(el.text.trim(), '', `<${el.name}> mixes text and elements`);
    const o = {};
    for (const c of el.children) {
      assert.ok(!(c.name in o), `<${el.name}> repeats <${c.name}>`);
      o[c.name] = xmlValue(c);
    }
    return o;
  }
  return el.empty ? null : el.text;
}

/** JSON with numbers and booleans as the text XML gives them. */
function asText(v) {
  if (Array.isArray(v)) return v.map(asText);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asText(x)]));
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v).includes('.') ? String(v) : `${v}.0`;
  if (typeof v === 'boolean') return String(v);
  return v;
}

// ---- calls ----

/** GET an Open311 path; asserts the content type of the format asked for. */
async function o311(path, opts = {}) {
  const r = await request(V2 + path, opts);
  const xml = /\.xml(\?|$)/.test(path);
  assert.match(r.headers.get('content-type') || '', xml ? XML_TYPE : JSON_TYPE, `content type of ${path}`);
  if (xml) r.xml = parseXml(r.text);
  return r;
}

/** The body of a form: arrays repeat their name (attribute[x][]). */
function form(fields) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  }
  return p.toString();
}

const FORM_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** POST requests.{fmt} with the form fields (query: a query string, headers: more headers). */
function submit(fmt, fields, { query = '', headers = {} } = {}) {
  return o311(`/requests.${fmt}${query}`, { method: 'POST', body: form(fields), headers: { 'content-type': FORM_TYPE, ...headers } });
}

/** Assert an Open311 error: the status, and [{code, description}] in either format. */
function assertOpen311Error(r, status, mentions) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  let errors;
  if (r.xml) {
    assert.equal(r.xml.name, 'errors');
    errors = xmlValue(r.xml);
    for (const e of errors) assert.deepEqual(Object.keys(e).sort(), ['code', 'description']);
    assert.equal(errors[0].code, String(status));
  } else {
    errors = r.json;
    assert.ok(Array.isArray(errors), `an Open311 error body is a list: ${r.text}`);
    assert.equal(errors[0].code, status);
    assert.deepEqual(Object.keys(errors[0]).sort(), ['code', 'description']);
  }
  assert.ok(errors.length >= 1);
  assert.equal(typeof errors[0].description, 'string');
  assert.ok(errors[0].description.length > 0, 'the description says what is wrong');
  if (mentions) assert.ok(errors[0].description.includes(mentions), `the description names ${mentions}: ${errors[0].description}`);
  return errors[0];
}

let KEY; // an API key of an Open311 client (role api_client)
let yulong; // the compound 御珑名苑 (Feature)
let inside; // [long, lat] inside its red line
let admin; // the demo street admin

/** A good request's fields: sanitation inside 御珑名苑, with this run's marker. */
function good(extra = {}) {
  return {
    api_key: KEY, service_code: 'sanitation', lat: inside[1], long: inside[0],
    description: `楼下垃圾三天没人清运 [${RUN}]`, ...PERSONAL, ...extra,
  };
}

/** POST a good request (JSON) and return {id, token}. */
async function create(extra = {}) {
  const r = await submit('json', good(extra));
  assertStatus(r, 200, 'POST requests.json');
  assert.equal(r.json.length, 1);
  return { id: r.json[0].service_request_id, token: r.json[0].token };
}

/** GET requests.json (query) and keep this run's requests. */
async function mine(query = '') {
  const r = await o311(`/requests.json${query}`);
  assertStatus(r, 200, `GET requests.json${query}`);
  return r.json.filter((x) => (x.description || '').includes(RUN));
}

before(async () => {
  const made = cli(['apikey', 'create', '--name', `open311-${RUN.toLowerCase()}`]);
  assert.equal(made.status, 0, `tongxin apikey create: ${made.stderr}`);
  KEY = made.stdout.trim().split('\n').pop();
  assert.match(KEY, /^tx_/);
  const r = await get(ANON, `/api/v1/areas?kind=compound&name=${encodeURIComponent('御珑名苑')}`);
  if (r.status === 200 && r.json.features.length) {
    yulong = r.json.features.find((f) => f.properties.name === '御珑名苑');
    inside = interiorPoint(yulong.geometry, 10);
  }
});

// ---- Service discovery ----

dtest('discovery.json and discovery.xml: changeset, contact, key_service and the v2 endpoint in both formats', async () => {
  const j = await o311('/discovery.json');
  assertStatus(j, 200);
  const d = j.json;
  assert.deepEqual(Object.keys(d), ['changeset', 'contact', 'key_service', 'endpoints']);
  for (const k of ['changeset', 'contact', 'key_service']) assert.ok(typeof d[k] === 'string' && d[k].length > 0, k);
  assert.equal(d.endpoints.length, 1);
  const e = d.endpoints[0];
  assert.equal(e.specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.equal(e.url, `${BASE}${V2}`, 'the endpoint URL is absolute and names this server');
  assert.equal(e.type, 'production');
  assert.deepEqual(e.formats, ['text/xml', 'application/json']);
  assert.ok(e.changeset.length > 0);
  assert.equal(e.changeset, d.changeset);
  const x = await o311('/discovery.xml');
  assertStatus(x, 200);
  assert.equal(x.xml.name, 'discovery');
  assert.deepEqual(xmlValue(x.xml), asText(d), 'the XML and the JSON say the same');
  // the contact is in the caller's language, and names the jurisdiction
  assert.ok(d.contact.includes(JURISDICTION));
  const en = await o311('/discovery.json', { headers: { 'accept-language': 'en' } });
  assert.match(en.json.key_service, /API key/);
});

dtest('discovery: the changeset sorts as text and moves when what the services are decided from changes', async () => {
  const before1 = (await o311('/discovery.json')).json.changeset;
  // A change nobody else looks at: a holiday years ahead, set and taken back.
  const a = await session('admin');
  const day = '/api/v1/calendar/2031-01-02';
  assertStatus(await request(day, { method: 'PUT', json: { kind: 'holiday', occasion: 'Open311 测试' }, cookie: a.cookie, csrf: a.csrf }), 200, 'PUT calendar day');
  const after1 = (await o311('/discovery.json')).json.changeset;
  assertStatus(await request(day, { method: 'DELETE', cookie: a.cookie, csrf: a.csrf }), 204, 'DELETE calendar day');
  assert.ok(after1 > before1, `changeset ${after1} sorts after ${before1}`);
  assert.ok((await o311('/discovery.xml')).xml.children.find((c) => c.name === 'changeset').text > after1);
});

// ---- GET Service List ----

dtest('services.json: every active category as a service: code, name, description, metadata, type realtime, keywords, group', async () => {
  const r = await o311('/services.json');
  assertStatus(r, 200);
  const cats = (await get(ANON, '/api/v1/categories')).json.items;
  assert.deepEqual(r.json.map((s) => s.service_code), cats.map((c) => c.code));
  const sewage = r.json.find((s) => s.service_code === 'sewage');
  assert.deepEqual(Object.keys(sewage), ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
  assert.equal(sewage.service_name, '污水与排水', 'zh-CN by default');
  assert.equal(sewage.metadata, true, 'sewage has attributes: metadata true');
  assert.equal(sewage.type, 'realtime', 'the service_request_id comes back at once');
  assert.match(sewage.keywords, /污水/);
  assert.equal(sewage.group, '市政设施');
  assert.equal(r.json.find((s) => s.service_code === 'sanitation').metadata, false, 'no attributes: metadata false');
  for (const s of r.json) assert.equal(typeof s.service_code, 'string', 'codes are strings');
});

dtest('services in English with Accept-Language: en or ?lang=en; services.xml says the same as services.json', async () => {
  for (const opts of [{ headers: { 'accept-language': 'en-GB,en;q=0.9' } }, {}]) {
    const r = await o311(opts.headers ? '/services.json' : '/services.json?lang=en', opts);
    const sewage = r.json.find((s) => s.service_code === 'sewage');
    assert.equal(sewage.service_name, 'Sewage and drainage');
    assert.equal(sewage.group, 'Public works');
  }
  const j = await o311('/services.json');
  const x = await o311('/services.xml');
  assertStatus(x, 200);
  assert.equal(x.xml.name, 'services');
  assert.ok(x.xml.children.every((c) => c.name === 'service'));
  assert.deepEqual(xmlValue(x.xml), asText(j.json));
});

dtest('jurisdiction_id: absent, empty or ours is served; another one is 404 naming it', async () => {
  assertStatus(await o311(`/services.json?jurisdiction_id=${JURISDICTION}`), 200);
  assertStatus(await o311('/services.json?jurisdiction_id='), 200);
  assertOpen311Error(await o311('/services.json?jurisdiction_id=sfgov.org'), 404, 'jurisdiction_id');
  assertOpen311Error(await o311('/services.xml?jurisdiction_id=sfgov.org'), 404, 'sfgov.org');
  assertOpen311Error(await o311('/requests.json?jurisdiction_id=sfgov.org'), 404, 'jurisdiction_id');
});

// ---- GET Service Definition ----

dtest('services/{service_code}: the definition with its attributes and values, in JSON and XML', async () => {
  const r = await o311('/services/sewage.json');
  assertStatus(r, 200);
  assert.equal(r.json.service_code, 'sewage');
  assert.equal(r.json.attributes.length, 1);
  const a = r.json.attributes[0];
  assert.deepEqual(Object.keys(a), ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values']);
  assert.equal(a.variable, true);
  assert.equal(a.code, 'problem');
  assert.equal(a.datatype, 'singlevaluelist');
  assert.equal(a.required, true);
  assert.equal(a.order, 1);
  assert.ok(a.values.some((v) => v.key === 'overflow' && typeof v.name === 'string'));
  const x = await o311('/services/sewage.xml');
  assertStatus(x, 200);
  assert.equal(x.xml.name, 'service_definition');
  assert.deepEqual(xmlValue(x.xml), asText(r.json));
  // <attributes><attribute>…<values><value><key>…
  const attr = x.xml.children.find((c) => c.name === 'attributes').children[0];
  assert.equal(attr.name, 'attribute');
  assert.equal(attr.children.find((c) => c.name === 'values').children[0].name, 'value');
  // a service without attributes has an empty list; a string attribute no values
  const s = await o311('/services/sanitation.json');
  assert.deepEqual(s.json, { service_code: 'sanitation', attributes: [] });
  const road = await o311('/services/road.json');
  assert.equal(road.json.attributes[0].datatype, 'number');
  assert.ok(!('values' in road.json.attributes[0]));
});

dtest('services/{service_code}: an unknown code is 404 with an Open311 error in the format asked for', async () => {
  assertOpen311Error(await o311('/services/no-such-service.json'), 404, 'no-such-service');
  assertOpen311Error(await o311('/services/no-such-service.xml'), 404, 'service_code');
  // a format that is not offered is a resource that does not exist
  const html = await request(`${V2}/services/sewage.html`);
  assert.equal(html.status, 404);
  assert.match(html.headers.get('content-type'), XML_TYPE, 'XML, the required format, when the format is unknown');
  assertOpen311Error({ ...html, xml: parseXml(html.text) }, 404, 'html');
});

// ---- POST Service Request ----

dtest('POST requests: api_key is required: missing, empty, wrong or revoked is 403 in Open311 shape', async () => {
  const { api_key: _k, ...noKey } = good();
  assertOpen311Error(await submit('xml', noKey), 403, 'api_key');
  assertOpen311Error(await submit('json', { ...noKey, api_key: '' }), 403, 'api_key');
  assertOpen311Error(await submit('json', { ...noKey, api_key: 'tx_not-a-key' }), 403);
  assertOpen311Error(await submit('xml', noKey, { headers: { authorization: 'Bearer tx_not-a-key' } }), 403);
  assertOpen311Error(await submit('json', noKey, { query: '?api_key=tx_wrong' }), 403);
  // a signed-in session is not an API key: the cookie is not read here
  const a = await session('admin');
  assertOpen311Error(await submit('json', noKey, { headers: { cookie: a.cookie, 'x-csrf-token': a.csrf } }), 403, 'api_key');
  // a revoked key
  const made = cli(['apikey', 'create', '--name', `o311-revoked-${RUN.toLowerCase()}`]);
  const key = made.stdout.trim().split('\n').pop();
  const id = /API key (\d+)/.exec(made.stdout)[1];
  assertStatus(await submit('json', { ...noKey, api_key: key }), 200, 'a fresh key works');
  assert.equal(cli(['apikey', 'revoke', '--id', id]).status, 0);
  assertOpen311Error(await submit('json', { ...noKey, api_key: key }), 403);
});

dtest('POST requests.xml: the spec example request, field by field, answers service_request_id, token, service_notice, account_id', async () => {
  const r = await submit('xml', good({ media_url: 'https://example.cn/photos/1.jpg' }));
  assertStatus(r, 200, 'created: the spec shows no other status for success');
  assert.equal(r.xml.name, 'service_requests');
  const [req] = xmlValue(r.xml);
  assert.deepEqual(Object.keys(req), ['service_request_id', 'token', 'service_notice', 'account_id']);
  assert.match(req.service_request_id, /^\d+$/);
  assert.match(req.token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(req.service_notice, /御珑名苑/, 'the notice says whose duty it is');
  assert.match(req.service_notice, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00/, 'and by when');
  assert.equal(req.account_id, null);
  // it is a case like any other, with channel open311 and the media_url kept
  const v = await get(ANON, `/api/v1/cases/${req.service_request_id}`);
  assertStatus(v, 200);
  assert.equal(v.json.channel, 'open311');
  assert.equal(v.json.service_code, 'sanitation');
  assert.equal(v.json.compound.name, '御珑名苑');
  assert.equal(v.json.attributes.media_url, 'https://example.cn/photos/1.jpg');
});

dtest('POST requests.json: the key as api_key in the query or as a Bearer header; names joined; attributes; W3C answer', async () => {
  const { api_key: _k, ...rest } = good();
  let r = await submit('json', rest, { query: `?api_key=${encodeURIComponent(KEY)}` });
  assertStatus(r, 200);
  assert.equal(typeof r.json[0].service_request_id, 'string', 'ids are strings in JSON');
  assert.equal(r.json[0].account_id, null);
  r = await submit('json', rest, { headers: { authorization: `Bearer ${KEY}` } });
  assertStatus(r, 200);
  // staff see the reporter: last_name + first_name for Chinese names, the phone and email kept
  const staff = await get(await session('admin'), `/api/v1/cases/${r.json[0].service_request_id}`);
  assert.equal(staff.json.reporter.name, `${PERSONAL.last_name}${PERSONAL.first_name}`);
  assert.equal(staff.json.reporter.phone, PERSONAL.phone);
  assert.equal(staff.json.reporter.email, PERSONAL.email);
  // "John Smith" stays in that order
  r = await submit('json', good({ first_name: 'John', last_name: 'Smith' }));
  const js = await get(await session('admin'), `/api/v1/cases/${r.json[0].service_request_id}`);
  assert.equal(js.json.reporter.name, 'John Smith');
  // attributes: attribute[code]=v and attribute[code][]=v (a list of one for a one-value attribute)
  r = await submit('json', good({ service_code: 'noise', 'attribute[when][]': 'night', 'attribute[source]': '广场舞音箱' }));
  assertStatus(r, 200, 'noise with attributes');
  let v = await get(ANON, `/api/v1/cases/${r.json[0].service_request_id}`);
  assert.deepEqual(v.json.attributes, { when: 'night', source: '广场舞音箱' });
  // the attribute is required for noise: 400 naming it
  assertOpen311Error(await submit('json', good({ service_code: 'noise' })), 400, 'attribute[when]');
  assertOpen311Error(await submit('json', good({ service_code: 'noise', 'attribute[when]': 'lunchtime' })), 400, 'attribute[when]');
  // number attributes arrive as text and are numbers
  r = await submit('json', good({ service_code: 'road', 'attribute[size_m2]': '2.5' }));
  v = await get(ANON, `/api/v1/cases/${r.json[0].service_request_id}`);
  assert.equal(v.json.attributes.size_m2, 2.5);
  // without a description the service's name stands in
  const { description: _d, ...nodesc } = good();
  r = await submit('json', nodesc);
  v = await get(ANON, `/api/v1/cases/${r.json[0].service_request_id}`);
  assert.equal(v.json.description, '垃圾与环境卫生');
});

dtest('POST requests: one location is required: lat & long, address_string or address_id', async () => {
  const { lat: _a, long: _b, ...noPoint } = good();
  assertOpen311Error(await submit('json', noPoint), 400, 'lat');
  assertOpen311Error(await submit('xml', { ...noPoint, lat: '22.78' }), 400, 'long');
  assertOpen311Error(await submit('json', { ...noPoint, long: '114.4' }), 400, 'lat');
  assertOpen311Error(await submit('json', { ...noPoint, lat: 'north', long: '114.4' }), 400, 'lat');
  assertOpen311Error(await submit('json', { ...noPoint, lat: '22.78', long: '0x10' }), 400, 'long');
  assertOpen311Error(await submit('json', { ...noPoint, lat: '91', long: '114' }), 400, 'lat');
  // "an empty parameter is an absent one"
  assertOpen311Error(await submit('json', { ...noPoint, lat: '', long: '' }), 400, 'lat');
  // address_string alone: the street triages it
  let r = await submit('json', { ...noPoint, address_string: '淡水街道某路口' });
  assertStatus(r, 200, 'address_string alone');
  // address_id is our compound code
  r = await submit('json', { ...noPoint, address_id: yulong.properties.code });
  assertStatus(r, 200, 'address_id alone');
  const got = await o311(`/requests/${r.json[0].service_request_id}.json`);
  assert.equal(got.json[0].address_id, yulong.properties.code);
  assertOpen311Error(await submit('json', { ...noPoint, address_id: 'NO-SUCH-PLACE' }), 400, 'address_id');
  assertOpen311Error(await submit('json', { ...noPoint, address_id: 'DS-BY' }), 400, 'address_id');
});

dtest('POST requests: service_code missing is 400, unknown is 404; other errors name their field', async () => {
  const { service_code: _s, ...noCode } = good();
  assertOpen311Error(await submit('json', noCode), 400, 'service_code');
  assertOpen311Error(await submit('xml', { ...noCode, service_code: 'no-such' }), 404, 'service_code');
  assertOpen311Error(await submit('json', good({ jurisdiction_id: 'sfgov.org' })), 404, 'jurisdiction_id');
  assertStatus(await submit('json', good({ jurisdiction_id: JURISDICTION })), 200);
  assertOpen311Error(await submit('json', good({ phone: 'call me' })), 400, 'phone');
  assertOpen311Error(await submit('json', good({ email: 'not an email' })), 400, 'email');
  assertOpen311Error(await submit('json', good({ media_url: 'javascript:alert(1)' })), 400, 'media_url');
  assertOpen311Error(await submit('json', good({ description: 'x'.repeat(4001) })), 400, 'description');
  assertOpen311Error(await submit('json', good({ service_code: ['sanitation', 'sewage'] })), 400, 'service_code');
  // the body must be a form
  const r = await o311('/requests.json', { method: 'POST', json: { service_code: 'sanitation' } });
  assertOpen311Error(r, 415, 'application/x-www-form-urlencoded');
  // a malformed form
  const bad = await o311('/requests.xml', { method: 'POST', body: 'service_code=%zz', headers: { 'content-type': FORM_TYPE } });
  assertOpen311Error(bad, 400);
  // errors in English when asked
  const en = await submit('json', noCode, { headers: { 'accept-language': 'en' } });
  assert.match(en.json[0].description, /service_code/);
  assert.match(en.json[0].description, /required/);
});

// ---- GET Service Requests ----

dtest('GET requests: each request with the spec\'s fields in order, W3C dates with +08:00, XML the same as JSON', async () => {
  const { id } = await create({ media_url: 'https://example.cn/photos/2.jpg' });
  const list = await mine();
  const r = list.find((x) => x.service_request_id === id);
  assert.ok(r, 'a new request is in the default list');
  assert.deepEqual(Object.keys(r), ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code',
    'description', 'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime',
    'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url']);
  assert.equal(r.status, 'open');
  assert.equal(r.service_code, 'sanitation');
  assert.equal(r.service_name, '垃圾与环境卫生');
  assert.match(r.requested_datetime, W3C);
  assert.match(r.updated_datetime, W3C);
  assert.match(r.expected_datetime, W3C);
  assert.ok(Date.parse(r.expected_datetime) > Date.parse(r.requested_datetime), 'expected after requested');
  assert.ok(Math.abs(Date.parse(r.requested_datetime) - Date.now()) < 120e3, 'requested just now');
  assert.equal(typeof r.agency_responsible, 'string');
  assert.ok(r.agency_responsible.length > 0);
  assert.match(r.service_notice, /御珑名苑/);
  assert.equal(r.address_id, yulong.properties.code, 'inside the red line: the compound\'s code');
  assert.equal(typeof r.lat, 'number');
  assert.equal(r.media_url, 'https://example.cn/photos/2.jpg');
  const x = await o311('/requests.xml');
  assert.equal(x.xml.name, 'service_requests');
  const xr = xmlValue(x.xml).find((e) => e.service_request_id === id);
  assert.deepEqual(xr, asText(r));
});

dtest('GET requests: service_request_id (a comma list) overrides every other filter and keeps its order', async () => {
  const a = await create();
  const b = await create();
  const r = await o311(`/requests.json?service_request_id=${b.id},${a.id}&status=closed&service_code=sewage&start_date=2001-01-01T00:00:00Z&page_size=1`);
  assertStatus(r, 200);
  assert.deepEqual(r.json.map((x) => x.service_request_id), [b.id, a.id]);
  // unknown ids are skipped; a malformed one is 400
  const one = await o311(`/requests.json?service_request_id=${a.id},999999999`);
  assert.deepEqual(one.json.map((x) => x.service_request_id), [a.id]);
  assertOpen311Error(await o311('/requests.json?service_request_id=1;2'), 400, 'service_request_id');
});

dtest('GET requests: service_code, one or a comma list; an unknown one is 400', async () => {
  const s = await create();
  const w = await create({ service_code: 'sewage', 'attribute[problem]': 'blocked' });
  let got = await mine('?service_code=sewage');
  assert.ok(got.every((x) => x.service_code === 'sewage'));
  assert.ok(got.some((x) => x.service_request_id === w.id));
  assert.ok(!got.some((x) => x.service_request_id === s.id));
  got = await mine('?service_code=sewage,sanitation');
  assert.ok(got.some((x) => x.service_request_id === w.id) && got.some((x) => x.service_request_id === s.id));
  assertOpen311Error(await o311('/requests.json?service_code=sewage,nope'), 400, 'service_code');
});

dtest('GET requests: status open, closed, or both; merged is closed and its updated_datetime is when it closed', async () => {
  const a = await create();
  const b = await create();
  admin = await session('admin');
  const m = await post(admin, `/api/v1/cases/${b.id}/actions`, { action: 'merge', merge_into: Number(a.id) });
  assertStatus(m, 200, 'merge');
  const open = await mine('?status=open');
  const closed = await mine('?status=closed');
  const both = await mine('?status=open,closed');
  assert.ok(open.some((x) => x.service_request_id === a.id));
  assert.ok(!open.some((x) => x.service_request_id === b.id));
  const bc = closed.find((x) => x.service_request_id === b.id);
  assert.ok(bc, 'the merged request is closed');
  assert.equal(bc.status, 'closed');
  assert.ok(closed.every((x) => x.status === 'closed'));
  assert.ok(open.every((x) => x.status === 'open'));
  assert.ok(both.some((x) => x.service_request_id === a.id) && both.some((x) => x.service_request_id === b.id));
  assert.ok(Math.abs(Date.parse(bc.updated_datetime) - Date.now()) < 120e3);
  assertOpen311Error(await o311('/requests.json?status=pending'), 400, 'status');
});

dtest('GET requests: start_date and end_date (W3C) bound requested_datetime, at most 90 days apart', async () => {
  const { id } = await create();
  const iso = (ms) => new Date(ms + 8 * 3600e3).toISOString().replace(/\.\d+Z$/, '+08:00');
  const q = (s, e) => `?start_date=${encodeURIComponent(iso(s))}&end_date=${encodeURIComponent(iso(e))}`;
  let got = await mine(q(Date.now() - 3600e3, Date.now() + 3600e3));
  assert.ok(got.some((x) => x.service_request_id === id));
  got = await mine(q(Date.now() - 30 * DAY, Date.now() - 29 * DAY));
  assert.ok(!got.some((x) => x.service_request_id === id));
  // Z, a bare date, and an offset whose '+' the client forgot to encode
  assertStatus(await o311('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-03-01'), 200);
  assertStatus(await o311('/requests.json?start_date=2026-01-01T00:00:00+08:00'), 200);
  assertOpen311Error(await o311('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z'), 400, 'end_date');
  assertOpen311Error(await o311('/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z'), 400, 'end_date');
  assertOpen311Error(await o311('/requests.json?start_date=yesterday'), 400, 'start_date');
  assertOpen311Error(await o311('/requests.xml?end_date=2026-01-01T10:00'), 400, 'end_date');
});

dtest('GET requests: without dates, the most recent 90 days (a hotline ticket 100 days old is left out, one 80 days old is in)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'o311-'));
  try {
    const at = (days) => new Date(Date.now() - days * DAY + 8 * 3600e3).toISOString().replace(/\.\d+Z$/, '+08:00');
    const csv = ['external_id,received_at,service_code,description,lat,long,address,compound,name,phone,contact_ok',
      `${RUN}-100,${at(100)},sanitation,百日旧单 [${RUN}],,,淡水街道旧路口,,,,no`,
      `${RUN}-80,${at(80)},sanitation,八十日旧单 [${RUN}],,,淡水街道旧路口,,,,no`].join('\n') + '\n';
    writeFileSync(join(dir, 'old.csv'), csv);
    const r = cli(['import', 'cases', join(dir, 'old.csv')]);
    assert.equal(r.status, 0, `tongxin import cases: ${r.stderr}${r.stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const got = await mine();
  assert.ok(got.some((x) => x.description.startsWith('八十日旧单')), 'the 80-day-old one is in');
  assert.ok(!got.some((x) => x.description.startsWith('百日旧单')), 'the 100-day-old one is not');
  // start_date alone: the 90 days from it
  const from = new Date(Date.now() - 101 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
  const older = await mine(`?start_date=${from}`);
  assert.ok(older.some((x) => x.description.startsWith('百日旧单')));
  assert.ok(older.some((x) => x.description.startsWith('八十日旧单')));
  // end_date alone: the 90 days up to it
  const to = new Date(Date.now() - 95 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
  const until = await mine(`?end_date=${to}`);
  assert.ok(until.some((x) => x.description.startsWith('百日旧单')));
  assert.ok(!until.some((x) => x.description.startsWith('八十日旧单')));
});

dtest('GET requests: at most 1000 by default; page and page_size walk the list in order', async () => {
  for (let i = 0; i < 3; i++) await create();
  const all = await o311('/requests.json');
  assert.ok(all.json.length <= 1000, 'never more than 1000 by default');
  assert.ok(all.json.length >= 3);
  const p1 = await o311('/requests.json?page_size=2');
  const p2 = await o311('/requests.json?page_size=2&page=2');
  assert.equal(p1.json.length, 2);
  assert.deepEqual([...p1.json, ...p2.json].map((x) => x.service_request_id),
    all.json.slice(0, p1.json.length + p2.json.length).map((x) => x.service_request_id), 'pages follow the list');
  // newest first
  for (let i = 1; i < all.json.length; i++) assert.ok(all.json[i - 1].requested_datetime >= all.json[i].requested_datetime);
  assertOpen311Error(await o311('/requests.json?page_size=1001'), 400, 'page_size');
  assertOpen311Error(await o311('/requests.json?page_size=0'), 400, 'page_size');
  assertOpen311Error(await o311('/requests.json?page=0'), 400, 'page');
  assertOpen311Error(await o311('/requests.json?page=1.5'), 400, 'page');
});

// ---- GET Service Request ----

dtest('requests/{id}: one request as a list of one; 404 when there is none', async () => {
  const { id } = await create();
  const j = await o311(`/requests/${id}.json`);
  assertStatus(j, 200);
  assert.equal(j.json.length, 1);
  assert.equal(j.json[0].service_request_id, id);
  const x = await o311(`/requests/${id}.xml`);
  assert.equal(x.xml.name, 'service_requests');
  assert.deepEqual(xmlValue(x.xml), asText(j.json));
  assertOpen311Error(await o311('/requests/999999999.json'), 404, '999999999');
  assertOpen311Error(await o311('/requests/abc.xml'), 404, 'service_request_id');
  assertOpen311Error(await o311('/requests/0.json'), 404);
  const txt = await request(`${V2}/requests/${id}.txt`);
  assert.match(txt.headers.get('content-type'), XML_TYPE);
  assertOpen311Error({ ...txt, xml: parseXml(txt.text) }, 404, 'txt');
});

dtest('spam is never shown: an invalid request is 404 by id and by token, and in no list or update', async () => {
  const { id, token } = await create();
  admin = await session('admin');
  assertStatus(await post(admin, `/api/v1/cases/${id}/actions`, { action: 'invalidate', text: '测试：垃圾信息' }), 200);
  assertOpen311Error(await o311(`/requests/${id}.json`), 404);
  assertOpen311Error(await o311(`/tokens/${token}.json`), 404);
  const all = await o311(`/requests.json?service_request_id=${id}`);
  assert.deepEqual(all.json, []);
  assert.ok(!(await mine()).some((x) => x.service_request_id === id));
  const u = await o311('/servicerequestupdates.json');
  assert.ok(!u.json.some((x) => x.service_request_id === id));
});

// ---- GET service_request_id from a token ----

dtest('tokens/{token}: the request the POST\'s token belongs to; 404 for any other token', async () => {
  const { id, token } = await create();
  const j = await o311(`/tokens/${token}.json`);
  assertStatus(j, 200);
  assert.deepEqual(j.json, [{ service_request_id: id, token }]);
  const x = await o311(`/tokens/${token}.xml`);
  assert.deepEqual(xmlValue(x.xml), [{ service_request_id: id, token }]);
  const other = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  assertOpen311Error(await o311(`/tokens/${other}.json`), 404, 'token');
  assertOpen311Error(await o311('/tokens/not-a-token.xml'), 404, 'token');
});

// ---- mySociety's servicerequestupdates ----

dtest('servicerequestupdates: public events as updates (update_id, service_request_id, status, updated_datetime, description, media_url)', async () => {
  const since = new Date(Date.now() - 60e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const a = await create({ media_url: 'https://example.cn/photos/3.jpg' });
  const b = await create();
  admin = await session('admin');
  assertStatus(await post(admin, `/api/v1/cases/${a.id}/actions`, { action: 'accept' }), 200, 'accept');
  assertStatus(await post(admin, `/api/v1/cases/${a.id}/actions`, { action: 'note', text: `已通知物业 [${RUN}]`, public: true }), 200, 'public note');
  assertStatus(await post(admin, `/api/v1/cases/${a.id}/actions`, { action: 'note', text: `内部备注 [${RUN}]`, public: false }), 200, 'internal note');
  assertStatus(await post(admin, `/api/v1/cases/${b.id}/actions`, { action: 'merge', merge_into: Number(a.id) }), 200, 'merge');
  const r = await o311(`/servicerequestupdates.json?start_date=${since}`);
  assertStatus(r, 200);
  const ua = r.json.filter((u) => u.service_request_id === a.id);
  const ub = r.json.filter((u) => u.service_request_id === b.id);
  for (const u of [...ua, ...ub]) {
    assert.deepEqual(Object.keys(u), ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']);
    assert.match(u.update_id, /^\d+$/);
    assert.match(u.updated_datetime, W3C);
    assert.equal(typeof u.description, 'string');
  }
  assert.equal(ua[0].status, 'open', 'the report');
  assert.equal(ua[0].media_url, 'https://example.cn/photos/3.jpg');
  assert.ok(ua.some((u) => u.status === 'investigating'), 'accepted');
  assert.ok(ua.some((u) => u.description === `已通知物业 [${RUN}]`), 'the public note');
  assert.ok(!r.text.includes(`内部备注 [${RUN}]`), 'never an internal note');
  assert.equal(ub[ub.length - 1].status, 'duplicate', 'merged');
  // oldest first
  for (let i = 1; i < r.json.length; i++) assert.ok(r.json[i - 1].updated_datetime <= r.json[i].updated_datetime);
  // the XML says the same
  const x = await o311(`/servicerequestupdates.xml?start_date=${since}`);
  assert.equal(x.xml.name, 'service_request_updates');
  assert.ok(x.xml.children.every((c) => c.name === 'request_update'));
  const xa = xmlValue(x.xml).filter((u) => u.service_request_id === a.id);
  assert.deepEqual(xa, asText(ua));
  // a window that ended before them has none of them
  const old = await o311('/servicerequestupdates.json?start_date=2026-01-01T00:00:00Z&end_date=2026-01-02T00:00:00Z');
  assert.ok(!old.json.some((u) => u.service_request_id === a.id));
  assertOpen311Error(await o311('/servicerequestupdates.json?start_date=2020-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z'), 400, 'end_date');
});

// ---- encoding and personal data ----

dtest('text goes in and comes out whole: markup in a description is escaped in XML, kept in JSON', async () => {
  const desc = `<b>"漏水" & 'drip'</b> [${RUN}]\n二楼`;
  const { id } = await create({ description: desc });
  const j = await o311(`/requests/${id}.json`);
  assert.equal(j.json[0].description, desc);
  const x = await o311(`/requests/${id}.xml`);
  assert.ok(!x.text.includes('<b>'), 'markup is escaped');
  assert.equal(xmlValue(x.xml)[0].description, desc);
});

dtest('no personal data: the names, phone, email, device and account ids posted never appear in any GET', async () => {
  const { id, token } = await create();
  const paths = ['/requests.json', '/requests.xml', `/requests/${id}.json`, `/requests/${id}.xml`,
    `/requests.json?service_request_id=${id}`, `/tokens/${token}.json`, `/tokens/${token}.xml`,
    '/servicerequestupdates.json', '/servicerequestupdates.xml', '/services.json', '/discovery.xml'];
  for (const p of paths) {
    const r = await o311(p);
    assertStatus(r, 200, p);
    for (const [k, v] of Object.entries(PERSONAL)) assert.ok(!r.text.includes(v), `GET ${p} shows the ${k} posted`);
    assert.ok(!/1390000\d{4}/.test(r.text), `GET ${p} shows a demo phone number`);
  }
});

dtest('a method an Open311 path does not take is 405 with Allow', async () => {
  const r = await request(`${V2}/services.json`, { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow'), /GET/);
});

