// Issue #11 item 3: one short header must not freeze the process. The usual host-name check,
// `^([a-z0-9]{1,63}\.?)+$`, is exponential for a backtracking engine on 28 letters and a '!';
// such a pattern runs on the linear-time engine, so the request is answered at once and other
// clients keep being served. TCP `request.endsWith` patterns take the same guarded path.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { exchangeUntilClose } from '../helpers/raw-client.ts'
import { startHttpNode, startRawNode } from '../helpers/nodes.ts'
import { poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

const TENANT_CHECK = `
  if( !string.regexmatch( http.getHeader( "X-Tenant" ), "^([a-z0-9]{1,63}\\\\.?)+$" ) ) {
    http.sendResponse( "400 Bad Request", "text/plain", "bad tenant", "" );
  }
`

function get(tenant: string): string {
  return `GET / HTTP/1.1\r\nHost: example.com\r\nX-Tenant: ${tenant}\r\nConnection: close\r\n\r\n`
}

test('issue 11: a hostile X-Tenant header is answered at once while another client is served', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const proxy = await startApp(t, {
    'pools/p': poolObj([node.address]),
    'rules/tenant': TENANT_CHECK,
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { request_rules: ['tenant'] } }),
  })
  const port = boundPort(proxy, 'web')
  const started = performance.now()
  const [hostile, other] = await Promise.all([
    exchangeUntilClose(t, port, get('a'.repeat(28) + '!')),
    exchangeUntilClose(t, port, get('shop.example.com')),
  ])
  const elapsedMs = performance.now() - started
  assert.match(hostile, /^HTTP\/1\.1 400 /)
  assert.match(hostile, /bad tenant$/)
  assert.match(other, /^HTTP\/1\.1 200 /)
  assert.match(other, /\r\n\r\nn1$/)
  assert.ok(elapsedMs < 500, `both answered in ${elapsedMs.toFixed(0)} ms`)
  // Longer hostile headers stay fast: the time is linear in the header's length.
  const before = performance.now()
  assert.match(await exchangeUntilClose(t, port, get('a'.repeat(2000) + '!')), /^HTTP\/1\.1 400 /)
  assert.ok(performance.now() - before < 500)
})

/** Sends `parts` on one connection, `gapMs` apart, and collects the answer until it closes. */
function talk(port: number, parts: readonly string[], gapMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    let text = ''
    const timer = setTimeout(() => {
      s.destroy()
      resolve(`${text} (no close)`)
    }, 5000)
    s.on('error', () => undefined)
    s.on('data', (c: Buffer) => (text += c.toString('latin1')))
    s.on('close', () => {
      clearTimeout(timer)
      resolve(text)
    })
    parts.forEach((p, i) => setTimeout(() => s.write(p), i * gapMs))
  })
}

test('issue 11: a TCP request.endsWith pattern is bounded too, on every read', async (t) => {
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\n')) s.end(`ok:${got}`)
  })
  const proxy = await startApp(t, {
    'pools/p': poolObj([node.address]),
    'rules/ends': 'request.endsWith( "^([a-z0-9]{1,63}\\\\.?)+!?\\\\n$" ); request.get();',
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p', { basic: { request_rules: ['ends'] } }),
  })
  const port = boundPort(proxy, 'tcp')
  const started = performance.now()
  const [hostile, other] = await Promise.all([
    talk(port, ['a'.repeat(27) + '!', '\n'], 50),
    talk(port, ['www.example.com\n'], 0),
  ])
  assert.equal(hostile, `ok:${'a'.repeat(27)}!\n`)
  assert.equal(other, 'ok:www.example.com\n')
  const elapsedMs = performance.now() - started
  assert.ok(elapsedMs < 500, `both answered in ${elapsedMs.toFixed(0)} ms`)
})
