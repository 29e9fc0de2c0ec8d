// Cookie-based session persistence on HTTP virtual servers (issue #17 item 4): Sluice's own
// transparent cookie, and the application's session cookie (`cookie`, `asp`, `j2ee`) learned
// from the node that set it; `x_zeus` names the node in a cookie the application sets.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type http from 'node:http'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode, type HttpNode } from '../helpers/nodes.ts'
import { obj, poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

/** Three nodes that answer with their name; each sets `setCookie(name)` when the client sent no Cookie. */
async function nodes(t: TestContext, setCookie: (name: string) => string | null = () => null): Promise<HttpNode[]> {
  const out: HttpNode[] = []
  for (const name of ['a', 'b', 'c']) {
    out.push(await startHttpNode(t, name, (req: http.IncomingMessage, res: http.ServerResponse) => {
      const cookie = setCookie(name)
      if (cookie !== null && req.headers.cookie === undefined) res.setHeader('Set-Cookie', cookie)
      res.end(name)
    }))
  }
  return out
}

async function rig(t: TestContext, cls: Record<string, unknown>, ns: HttpNode[]): Promise<{ url: string; app: Awaited<ReturnType<typeof startApp>> }> {
  const app = await startApp(t, {
    'persistence/sticky': obj({ basic: cls }),
    'pools/p': poolObj(ns.map((n) => n.address), { basic: { persistence_class: 'sticky' } }),
    'virtual_servers/web': vsObj(0, 'http', 'p'),
  })
  const port = boundPort(app, 'web')
  return { url: `http://127.0.0.1:${String(port)}/`, app }
}

async function get(url: string, cookie?: string, path = ''): Promise<{ text: string; setCookie: string | null; status: number }> {
  const res = await fetch(url + path, { headers: cookie === undefined ? {} : { cookie }, redirect: 'manual' })
  return { text: await res.text(), setCookie: res.headers.get('set-cookie'), status: res.status }
}

test('transparent: Sluice sets an opaque cookie naming the node; the client keeps its node, a forged cookie does not', async (t) => {
  const ns = await nodes(t)
  const { url } = await rig(t, { type: 'transparent', transparent_directives: 'HttpOnly' }, ns)
  const first = await get(url)
  assert.ok(first.setCookie !== null, 'a new session gets the cookie')
  assert.match(first.setCookie, /^X-Mapping-[0-9a-f]{8}=[A-Za-z0-9_-]{27}; Path=\/; HttpOnly$/)
  assert.ok(!first.setCookie.includes('127.0.0.1'), 'the cookie does not show the node')
  const cookie = first.setCookie.split(';')[0] ?? ''
  for (let i = 0; i < 6; i++) {
    const again = await get(url, cookie)
    assert.equal(again.text, first.text, 'the same node every time')
    assert.equal(again.setCookie, null, 'a valid cookie is not set again')
  }
  const forged = await get(url, `${cookie.split('=')[0] ?? ''}=forgedforgedforgedforgedfor`)
  assert.ok(forged.setCookie !== null, 'a cookie that names no node starts a new session')
  // Without the cookie, round robin spreads clients over the nodes.
  const spread = new Set<string>()
  for (let i = 0; i < 6; i++) spread.add((await get(url)).text)
  assert.equal(spread.size, 3)
})

test('transparent_always_set_cookie sets the cookie on every response', async (t) => {
  const ns = await nodes(t)
  const { url } = await rig(t, { type: 'transparent', transparent_always_set_cookie: true }, ns)
  const first = await get(url)
  const cookie = (first.setCookie ?? '').split(';')[0] ?? ''
  const again = await get(url, cookie)
  assert.equal(again.text, first.text)
  assert.equal((again.setCookie ?? '').split(';')[0], cookie)
})

test('cookie: the node that set the application session cookie keeps the session', async (t) => {
  const ns = await nodes(t, (name) => `SID=session-${name}; Path=/`)
  const { url } = await rig(t, { type: 'cookie', cookie: 'SID' }, ns)
  const first = await get(url)
  assert.equal(first.setCookie, `SID=session-${first.text}; Path=/`)
  for (let i = 0; i < 5; i++) assert.equal((await get(url, `other=1; SID=session-${first.text}`)).text, first.text)
  // Another client's session, learned from another node, goes to that node.
  const second = await get(url)
  assert.notEqual(second.text, first.text)
  assert.equal((await get(url, `SID=session-${second.text}`)).text, second.text)
})

test('asp and j2ee: ASP.NET_SessionId, ASPSESSIONID…, JSESSIONID and the ;jsessionid= path parameter', async (t) => {
  for (const [type, cookieName] of [['asp', 'ASP.NET_SessionId'], ['asp', 'ASPSESSIONIDQQGGT'], ['j2ee', 'JSESSIONID']] as const) {
    const ns = await nodes(t, (name) => `${cookieName}=${type}-${name}; Path=/`)
    const { url } = await rig(t, { type }, ns)
    const first = await get(url)
    for (let i = 0; i < 4; i++) assert.equal((await get(url, `${cookieName}=${type}-${first.text}`)).text, first.text, `${type} ${cookieName}`)
    if (type === 'j2ee') {
      for (let i = 0; i < 4; i++) assert.equal((await get(url, undefined, `app;jsessionid=${type}-${first.text}?x=1`)).text, first.text, 'path parameter')
    }
  }
})

test('x_zeus: the X-Zeus-Backend cookie or the X-Zeus-Backend-Server field names the node; Sluice sets the cookie', async (t) => {
  const ns = await nodes(t)
  const { url } = await rig(t, { type: 'x_zeus' }, ns)
  const b = ns[1]
  assert.ok(b)
  for (let i = 0; i < 4; i++) assert.equal((await get(url, `X-Zeus-Backend=${b.address}`)).text, 'b')
  const viaField = await fetch(url, { headers: { 'X-Zeus-Backend-Server': b.address } })
  assert.equal(await viaField.text(), 'b')
  assert.equal(viaField.headers.get('set-cookie'), null, 'the node named is the node that answered: nothing to set')
  const fresh = await get(url)
  const node = ns.find((n) => ['a', 'b', 'c'][ns.indexOf(n)] === fresh.text)
  assert.equal(fresh.setCookie, `X-Zeus-Backend=${node?.address ?? '?'}; Path=/`, 'a new session is told its node')
  for (let i = 0; i < 3; i++) assert.equal((await get(url, fresh.setCookie.split(';')[0])).text, fresh.text)
})

test('failure_mode on cookie sessions: new_node moves the session, close answers 503, url redirects', async (t) => {
  for (const [mode, expect] of [['new_node', 200], ['close', 503], ['url', 302]] as const) {
    const ns = await nodes(t, (name) => `SID=s-${name}`)
    const { url, app } = await rig(t, { type: 'cookie', cookie: 'SID', failure_mode: mode, url: 'http://sorry.example/' }, ns)
    const first = await get(url)
    const node = ns.find((n) => first.text === ['a', 'b', 'c'][ns.indexOf(n)])
    assert.ok(node)
    const status = app.snapshot?.pools.get('p')?.nodes.find((n) => n.id === node.address)?.status
    assert.ok(status)
    status.isAlive = false
    const res = await get(url, `SID=s-${first.text}`)
    assert.equal(res.status, expect, mode)
    if (mode === 'new_node') assert.notEqual(res.text, first.text)
    status.isAlive = true
  }
})

test('a cookie class without basic.cookie is refused, naming the key', async (t) => {
  const ns = await nodes(t)
  await assert.rejects(rig(t, { type: 'cookie' }, ns), /basic\.cookie/)
})

test('over HTTP/2 too: the transparent cookie keeps a client on its node, and a rule can choose the class', async (t) => {
  const ns = await nodes(t)
  const started = await startApp(t, {
    'persistence/sticky': obj({ basic: { type: 'transparent' } }),
    'pools/p': poolObj(ns.map((n) => n.address)),
    'rules/choose': 'connection.setPersistence( "sticky" );',
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { request_rules: ['choose'] } }),
  })
  const port = boundPort(started, 'web')
  const session = await h2Session(t, `http://127.0.0.1:${String(port)}`)
  const first = await h2Request(session, { ':path': '/' })
  const setCookie = first.headers['set-cookie']
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0]
  assert.ok(cookie !== undefined && cookie.startsWith('X-Mapping-'), 'the rule-chosen class set its cookie')
  for (let i = 0; i < 5; i++) assert.equal((await h2Request(session, { ':path': '/', cookie })).body.toString(), first.body.toString())
})
