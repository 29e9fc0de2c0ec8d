/**
 * The API against a web page on the same machine (issue #11, item 2): a foreign `Host` (DNS
 * rebinding) and a foreign `Origin` are refused, no caller is an anonymous administrator, and an
 * action cannot be pointed at a file outside its directory.
 */
import assert from 'node:assert/strict'
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { exchangeUntilClose } from '../helpers/raw-client.ts'
import { basic, pick, rawCall, startApi, ADMIN } from './harness.ts'

const V = '/api/tm/8.3/config/active'
const POOL = { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } }

test('a Host that is not the API (DNS rebinding) is refused; loopback names and host_names are served', async (t) => {
  const h = await startApi(t, {}, undefined, { api: { hostNames: ['sluice.example.test'] } })
  const port = new URL(h.apiUrl).port
  const auth = basic(ADMIN.user, ADMIN.password)
  const json = { authorization: auth, 'content-type': 'application/json' }
  for (const host of [`rebind.attacker.example:${port}`, 'rebind.attacker.example', `10.1.2.3:${port}`, '127.0.0.1.attacker.example']) {
    const read = await rawCall(h.apiUrl, 'GET', `${V}/pools/`, { headers: { authorization: auth, host } })
    assert.equal(read.status, 403, `GET with Host "${host}": ${read.text}`)
    assert.equal(pick(JSON.parse(read.text), 'error', 'error_id'), 'request.refused')
    const write = await rawCall(h.apiUrl, 'PUT', `${V}/pools/evil`, { headers: { ...json, host }, body: JSON.stringify(POOL) })
    assert.equal(write.status, 403, `PUT with Host "${host}"`)
  }
  assert.equal((await h.call('GET', `${V}/pools/evil`)).status, 404, 'nothing was created')
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST.', `127.0.0.2:${port}`, `[::1]:${port}`, 'sluice.example.test']) {
    const read = await rawCall(h.apiUrl, 'GET', `${V}/pools/`, { headers: { authorization: auth, host } })
    assert.equal(read.status, 200, `GET with Host "${host}": ${read.text}`)
  }
})

test('a foreign host named in an absolute-form target or in a second Host field is refused too', async (t) => {
  const h = await startApi(t, {})
  const port = Number(new URL(h.apiUrl).port)
  const auth = `Authorization: ${basic(ADMIN.user, ADMIN.password)}\r\n`
  const body = JSON.stringify(POOL)
  const put = (target: string, hosts: string) =>
    `PUT ${target} HTTP/1.1\r\n${hosts}${auth}Content-Type: application/json\r\nContent-Length: ${String(body.length)}\r\nConnection: close\r\n\r\n${body}`
  for (const [what, request] of [
    ['absolute-form target', put(`http://rebind.attacker.example:${String(port)}${V}/pools/evil`, `Host: 127.0.0.1:${String(port)}\r\n`)],
    ['second Host field', put(`${V}/pools/evil`, `Host: 127.0.0.1:${String(port)}\r\nHost: rebind.attacker.example\r\n`)],
  ] as const) {
    const text = await exchangeUntilClose(t, port, request)
    assert.match(text, /^HTTP\/1\.1 (403|400) /, `${what}: ${text}`)
  }
  assert.equal((await h.call('GET', `${V}/pools/evil`)).status, 404, 'nothing was created')
  const own = await exchangeUntilClose(t, port, put(`http://127.0.0.1:${String(port)}${V}/pools/mine`, `Host: 127.0.0.1:${String(port)}\r\n`))
  assert.match(own, /^HTTP\/1\.1 201 /, 'an absolute-form target naming the API itself is served')
})

test('a change from a foreign Origin is refused; the API origin and non-browser clients may change', async (t) => {
  const h = await startApi(t, {})
  const port = new URL(h.apiUrl).port
  const headers = { authorization: basic(ADMIN.user, ADMIN.password), 'content-type': 'application/json', host: `127.0.0.1:${port}` }
  for (const origin of ['http://rebind.attacker.example', `http://localhost.attacker.example:${port}`, 'null', `https://127.0.0.1:${port}`, `http://localhost:${port}`]) {
    const put = await rawCall(h.apiUrl, 'PUT', `${V}/pools/web`, { headers: { ...headers, origin }, body: JSON.stringify(POOL) })
    assert.equal(put.status, 403, `PUT from ${origin}: ${put.text}`)
    const del = await rawCall(h.apiUrl, 'DELETE', `${V}/pools/web`, { headers: { ...headers, origin } })
    assert.equal(del.status, 403, `DELETE from ${origin}`)
  }
  assert.equal((await h.call('GET', `${V}/pools/web`)).status, 404, 'nothing was created')
  const same = await rawCall(h.apiUrl, 'PUT', `${V}/pools/web`, { headers: { ...headers, origin: `http://127.0.0.1:${port}` }, body: JSON.stringify(POOL) })
  assert.equal(same.status, 201, same.text)
  const read = await rawCall(h.apiUrl, 'GET', `${V}/pools/web`, { headers: { ...headers, origin: 'http://rebind.attacker.example' } })
  assert.equal(read.status, 200, 'a read from another origin is answered (the browser keeps it from the page: no CORS headers)')
  assert.equal(read.headers['access-control-allow-origin'], undefined)
  assert.equal((await h.call('DELETE', `${V}/pools/web`)).status, 204, 'no Origin: a script, not a browser')
})

test('without users, loopback callers may read statistics and nothing else', async (t) => {
  const h = await startApi(t, { 'pools/web': POOL }, undefined, { noUsers: true })
  const anonymous = { auth: null }
  assert.equal((await h.call('GET', '/api/tm/8.3/status/local_tm/statistics/pools/web', undefined, anonymous)).status, 200)
  assert.equal((await h.call('GET', '/api/tm/8.3/status/local_tm/state', undefined, anonymous)).status, 200)
  assert.equal((await h.call('GET', '/metrics', undefined, anonymous)).status, 200)
  for (const path of [`${V}/pools/web`, `${V}/pools/`, '/api/tm/8.3/status/local_tm/audit', '/api/tm/8.3/status/local_tm/events']) {
    const res = await h.call('GET', path, undefined, anonymous)
    assert.equal(res.status, 401, `${path}: ${res.text}`)
  }
  const put = await h.call('PUT', `${V}/pools/web`, { properties: { basic: { note: 'x' } } }, anonymous)
  assert.equal(put.status, 401)
  assert.match(String(pick(put.body, 'error', 'error_text')), /no API users/)
  assert.equal((await h.call('DELETE', `${V}/pools/web`, undefined, anonymous)).status, 401)
  assert.equal((await h.call('PUT', '/api/tm/8.3/status/local_tm/statistics/pools/web', { x: 1 }, anonymous)).status, 401)
})

test('log and program actions are refused a path outside their directory, naming object, key and reason', async (t) => {
  const h = await startApi(t, {})
  const outside = join(h.dir, 'profile')
  const cases = [
    { name: 'abs-log', props: { basic: { type: 'log' }, log: { file: outside } }, key: 'log.file' },
    { name: 'up-log', props: { basic: { type: 'log' }, log: { file: '../../profile' } }, key: 'log.file' },
    { name: 'abs-program', props: { basic: { type: 'program' }, program: { program: '/bin/sh' } }, key: 'program.program' },
    { name: 'up-program', props: { basic: { type: 'program' }, program: { program: '../x' } }, key: 'program.program' },
  ]
  for (const c of cases) {
    const res = await h.call('PUT', `${V}/actions/${c.name}`, { properties: c.props })
    assert.equal(res.status, 400, `${c.name}: ${res.text}`)
    const d = pick(res.body, 'error', 'error_info', 'diagnostics', 0) as { object_type: string; object_name: string; key: string; reason: string }
    assert.deepEqual([d.object_type, d.object_name, d.key], ['actions', c.name, c.key])
    assert.match(d.reason, /outside|sub-directory/)
    await assert.rejects(access(join(h.dir, 'actions', c.name)), 'nothing written')
  }
  const inside = await h.call('PUT', `${V}/actions/ok-log`, { properties: { basic: { type: 'log' }, log: { file: 'events.log' } } })
  assert.equal(inside.status, 201, inside.text)
  const absInside = await h.call('PUT', `${V}/actions/abs-ok`, { properties: { basic: { type: 'log' }, log: { file: join(h.dir, '.sluice', 'action_logs', 'a.log') } } })
  assert.equal(absInside.status, 201, absInside.text)
})
