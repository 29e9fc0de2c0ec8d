/**
 * The web UI's session scheme on the API: login with the API's users (throttled like Basic),
 * an HttpOnly SameSite=Strict cookie, a CSRF token every change must carry, sessions that end
 * (idle, logout, password change), changes audited under the session's user, the UI's files
 * served with a Content-Security-Policy, and dry runs that change nothing.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashPassword, saveUser, usersFilePath } from '../../src/api/index.ts'
import { ManualClock } from '../../src/core/index.ts'
import { ADMIN, pick, rawCall, startApi, type ApiHarness } from './harness.ts'

const POOLS = '/api/tm/8.3/config/active/pools/'

interface Login {
  readonly cookie: string
  readonly csrf: string
  readonly setCookie: string
}

async function logIn(h: ApiHarness, user = ADMIN.user, password = ADMIN.password): Promise<Login> {
  const r = await h.call('POST', '/api/session', { username: user, password }, { auth: null })
  assert.equal(r.status, 201, r.text)
  const setCookie = r.headers.get('set-cookie') ?? ''
  const token = /^sluice_session=([^;]+)/.exec(setCookie)?.[1]
  assert.ok(token !== undefined, setCookie)
  return { cookie: `sluice_session=${token}`, csrf: String(pick(r.body, 'csrf_token')), setCookie }
}

function withSession(s: Login, csrf = true): { auth: null; headers: Record<string, string> } {
  return { auth: null, headers: { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) } }
}

test('login sets an HttpOnly, SameSite=Strict cookie and answers with a CSRF token', async (t) => {
  const h = await startApi(t, {})
  const s = await logIn(h)
  assert.match(s.setCookie, /; HttpOnly/)
  assert.match(s.setCookie, /; SameSite=Strict/)
  assert.match(s.setCookie, /; Path=\//)
  assert.ok(s.csrf.length >= 32)
  assert.equal(s.setCookie.includes(s.csrf), false, 'the CSRF token is not in the cookie')
  const me = await h.call('GET', '/api/session', undefined, withSession(s, false))
  assert.equal(pick(me.body, 'user'), 'admin')
  assert.equal(pick(me.body, 'role'), 'admin')
  assert.equal((await h.call('GET', POOLS, undefined, withSession(s, false))).status, 200, 'reads need no CSRF token')
})

test('wrong passwords, GET logins and form posts get no session', async (t) => {
  const h = await startApi(t, {})
  const wrong = await h.call('POST', '/api/session', { username: 'admin', password: 'nope' }, { auth: null })
  assert.equal(wrong.status, 401)
  assert.equal(wrong.headers.get('set-cookie'), null)
  assert.equal(wrong.headers.get('www-authenticate'), null, 'no browser login dialog for the UI')
  const form = await h.call('POST', '/api/session', `username=admin&password=${encodeURIComponent(ADMIN.password)}`, { auth: null, contentType: 'application/x-www-form-urlencoded' })
  assert.equal(form.status, 415, 'a cross-site HTML form cannot log in')
  const viaUrl = await h.call('GET', `/api/session?username=admin&password=${encodeURIComponent(ADMIN.password)}`, undefined, { auth: null })
  assert.equal(pick(viaUrl.body, 'user'), null, 'credentials in a URL are never read')
})

test('a change with the session needs the CSRF token, and is audited under the session\u2019s user', async (t) => {
  const h = await startApi(t, {})
  assert.ok((await saveUser(usersFilePath(h.dir), { name: 'ann', role: 'admin', passwordHash: await hashPassword('ann password') })).ok)
  const s = await logIn(h, 'ann', 'ann password')
  const doc = { properties: { basic: { note: 'from the UI' } } }
  const missing = await h.call('PUT', `${POOLS}p`, doc, withSession(s, false))
  assert.equal(missing.status, 403)
  assert.equal(pick(missing.body, 'error', 'error_id'), 'auth.csrf_failed')
  const forged = await h.call('PUT', `${POOLS}p`, doc, { auth: null, headers: { cookie: s.cookie, 'x-csrf-token': `${s.csrf.slice(0, -1)}x` } })
  assert.equal(forged.status, 403)
  assert.equal((await h.call('GET', `${POOLS}p`)).status, 404, 'nothing was changed')
  const foreign = await rawCall(h.apiUrl, 'PUT', `${POOLS}p`, {
    headers: { host: new URL(h.apiUrl).host, origin: 'http://evil.example', cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  })
  assert.equal(foreign.status, 403, 'a foreign Origin is refused even with the token')
  const ok = await h.call('PUT', `${POOLS}p`, doc, withSession(s))
  assert.equal(ok.status, 201, ok.text)
  const audit = pick((await h.call('GET', '/api/tm/8.3/status/local_tm/audit')).body, 'audit') as { user: string; objectName: string }[]
  assert.deepEqual(audit.map((e) => `${e.user} ${e.objectName}`), ['ann p'])
})

test('logout ends the session; the cookie is refused afterwards', async (t) => {
  const h = await startApi(t, {})
  const s = await logIn(h)
  assert.equal((await h.call('DELETE', '/api/session', undefined, withSession(s, false))).status, 403, 'logging out needs the token too')
  const out = await h.call('DELETE', '/api/session', undefined, withSession(s))
  assert.equal(out.status, 204)
  assert.match(out.headers.get('set-cookie') ?? '', /^sluice_session=;.*Max-Age=0/)
  const after = await h.call('GET', POOLS, undefined, withSession(s, false))
  assert.equal(after.status, 401)
  assert.equal(after.headers.get('www-authenticate'), null)
  assert.equal((await h.call('PUT', `${POOLS}p`, { properties: {} }, withSession(s))).status, 401)
})

test('sessions expire when idle, and end when the password changes', async (t) => {
  const clock = new ManualClock()
  const h = await startApi(t, {}, undefined, { clock, api: { sessions: { idleMs: 60_000, maxAgeMs: 600_000 } } })
  const s = await logIn(h)
  clock.advance(59_000)
  assert.equal((await h.call('GET', POOLS, undefined, withSession(s, false))).status, 200, 'used within the idle time')
  clock.advance(59_000)
  assert.equal((await h.call('GET', POOLS, undefined, withSession(s, false))).status, 200, 'each use restarts the idle time')
  clock.advance(61_000)
  assert.equal((await h.call('GET', POOLS, undefined, withSession(s, false))).status, 401, 'idle too long')

  const again = await logIn(h)
  for (let i = 0; i < 11; i++) {
    clock.advance(55_000)
    await h.call('GET', POOLS, undefined, withSession(again, false))
  }
  assert.equal((await h.call('GET', POOLS, undefined, withSession(again, false))).status, 401, 'older than maxAgeMs, however busy')

  const third = await logIn(h)
  assert.ok((await saveUser(usersFilePath(h.dir), { name: 'admin', role: 'admin', passwordHash: await hashPassword('a new password') })).ok)
  assert.equal((await h.call('GET', POOLS, undefined, withSession(third, false))).status, 401, 'a new password ends old sessions')
})

test('failed logins are throttled per address like Basic', async (t) => {
  const h = await startApi(t, {}, undefined, { api: { throttle: { freeFailures: 2, firstDelayMs: 60_000 } } })
  for (let i = 0; i < 2; i++) assert.equal((await h.call('POST', '/api/session', { username: 'admin', password: 'x' }, { auth: null })).status, 401)
  const throttled = await h.call('POST', '/api/session', { username: 'admin', password: ADMIN.password }, { auth: null })
  assert.equal(throttled.status, 429)
  assert.ok(Number(throttled.headers.get('retry-after')) > 0)
})

test('the UI is served with a Content-Security-Policy and no inline scripts', async (t) => {
  const h = await startApi(t, {})
  const page = await h.call('GET', '/', undefined, { auth: null, headers: { accept: 'text/html' } })
  assert.equal(page.status, 200)
  const csp = page.headers.get('content-security-policy') ?? ''
  assert.match(csp, /script-src 'self'/)
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
  assert.match(csp, /frame-ancestors 'none'/)
  assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script is a file')
  const js = await h.call('GET', '/ui/main.ts', undefined, { auth: null })
  assert.equal(js.status, 200)
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/)
  assert.doesNotMatch(js.text, /: HTMLElement\b/, 'types are stripped')
  for (const path of ['/ui/../api/users.ts', '/ui/%2e%2e/api/users.ts', '/ui/api.test.ts', '/ui/tsconfig.json']) {
    const r = await rawCall(h.apiUrl, 'GET', path, { headers: { host: new URL(h.apiUrl).host } })
    assert.notEqual(r.status, 200, `${path} serves nothing`)
    assert.doesNotMatch(r.text, /loadUsers/)
  }
  assert.equal((await h.call('GET', '/ui/vendor/uplot.js', undefined, { auth: null })).status, 200)
  const schema = await h.call('GET', '/api/tm/8.3/openapi.json', undefined, { headers: { 'accept-encoding': 'gzip' } })
  assert.equal(schema.headers.get('content-encoding'), 'gzip', 'the forms\u2019 schema travels compressed')
  assert.equal(pick(schema.body, 'components', 'schemas', 'pool', 'properties', 'properties', 'properties', 'load_balancing', 'properties', 'algorithm', 'description'), 'How the next node is chosen.')
  const scripts = await h.call('GET', '/', undefined, { headers: { accept: 'application/json' } })
  assert.deepEqual(pick(scripts.body, 'children', 0, 'name'), 'api', 'scripts still get the resource list')
})

test('a dry run answers like a change would and changes nothing', async (t) => {
  const h = await startApi(t, { 'pools/p': { properties: { basic: { note: 'before' } } } })
  const good = await h.call('PUT', `${POOLS}p?dry_run=true`, { properties: { basic: { note: 'after' } } })
  assert.equal(good.status, 200)
  assert.deepEqual(pick(good.body, 'before'), { properties: { basic: { note: 'before' } } })
  assert.deepEqual(pick(good.body, 'after'), { properties: { basic: { note: 'after' } } })
  const bad = await h.call('PUT', `${POOLS}p?dry_run=true`, { properties: { basic: { max_connection_attempts: -1 } } })
  assert.equal(bad.status, 400)
  assert.equal(pick(bad.body, 'error', 'error_info', 'diagnostics', 0, 'key'), 'basic.max_connection_attempts')
  const rule = await h.call('PUT', '/api/tm/8.3/config/active/rules/r?dry_run=true', 'if ( {')
  assert.equal(rule.status, 400)
  assert.match(String(pick(rule.body, 'error', 'error_info', 'diagnostics', 0, 'reason')), /^rule r: line 1, column \d+: /)
  assert.equal(pick((await h.call('GET', `${POOLS}p`)).body, 'properties', 'basic', 'note'), 'before')
  assert.equal((await h.call('GET', '/api/tm/8.3/config/active/rules/r')).status, 404)
  const audit = pick((await h.call('GET', '/api/tm/8.3/status/local_tm/audit')).body, 'audit') as unknown[]
  assert.equal(audit.length, 0)
})

test('at most maxSessions sessions: the least recently used ends first', async (t) => {
  const h = await startApi(t, {}, undefined, { api: { sessions: { maxSessions: 2 } } })
  const first = await logIn(h)
  const second = await logIn(h)
  assert.equal((await h.call('GET', POOLS, undefined, withSession(first, false))).status, 200, 'first is now the most recently used')
  const third = await logIn(h)
  assert.equal((await h.call('GET', POOLS, undefined, withSession(second, false))).status, 401, 'second was the least recently used')
  assert.equal((await h.call('GET', POOLS, undefined, withSession(first, false))).status, 200)
  assert.equal((await h.call('GET', POOLS, undefined, withSession(third, false))).status, 200)
})

test('a login body over 4 KiB is refused unread', async (t) => {
  const h = await startApi(t, {})
  const r = await h.call('POST', '/api/session', { username: 'admin', password: 'x'.repeat(5000) }, { auth: null })
  assert.equal(r.status, 413)
  assert.equal(r.headers.get('set-cookie'), null)
})
