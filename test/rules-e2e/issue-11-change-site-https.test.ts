// Issue #11 item 6: http.changeSite("https://" . http.getHostHeader()) forces HTTPS on a plain
// virtual server (301 to the same path and query) and does nothing on a TLS one, through real
// listeners; ports written in the site or the Host header count.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { exchangeUntilClose } from '../helpers/raw-client.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { makePki } from '../tls/pki.ts'
import { poolObj, serverKeyObj, startApp, vsObj } from '../tls/start-app.ts'
import { readAll, tlsConnect } from '../tls/tls-client.ts'
import { boundPort } from '../helpers/bound-port.ts'

const pki = makePki()
after(() => pki?.cleanup())

const FORCE_HTTPS = 'http.changeSite( "https://" . http.getHostHeader() );'

/** A plain and a TLS virtual server in front of one node, both running `rule`. */
async function rig(t: TestContext, rule: string): Promise<{ plainPort: number; tlsPort: number }> {
  if (pki === undefined) throw new Error('no pki')
  const pair = pki.server(['example.com'])
  const node = await startHttpNode(t, 'n1')
  const started = await startApp(t, {
    'ssl/server_keys/main': serverKeyObj(pair.cert, pair.key),
    'pools/p': poolObj([node.address]),
    'rules/force': rule,
    'virtual_servers/plain': vsObj(0, 'http', 'p', { basic: { request_rules: ['force'] } }),
    'virtual_servers/secure': vsObj(0, 'https', 'p', {
      basic: { ssl_decrypt: true, request_rules: ['force'] },
      ssl: { server_cert_default: 'main' },
    }),
  })
  const tlsPort = boundPort(started, 'secure')
  const plainPort = boundPort(started, 'plain')
  return { plainPort, tlsPort }
}

function head(target: string, host: string): string {
  return `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`
}

function location(response: string): string | undefined {
  return /\r\nLocation: ([^\r]*)\r\n/i.exec(response)?.[1]
}

async function overTls(t: TestContext, port: number, target: string, host: string): Promise<string> {
  const socket = await tlsConnect(t, port, { servername: 'example.com' })
  socket.write(head(target, host))
  return readAll(socket)
}

test('issue 11: forcing HTTPS redirects plain requests, with and without a query and port', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { plainPort } = await rig(t, FORCE_HTTPS)
  const withQuery = await exchangeUntilClose(t, plainPort, head('/shop/cart?item=7&n=2', 'example.com'))
  assert.match(withQuery, /^HTTP\/1\.1 301 /)
  assert.equal(location(withQuery), 'https://example.com/shop/cart?item=7&n=2')
  const noQuery = await exchangeUntilClose(t, plainPort, head('/shop/cart', 'example.com'))
  assert.match(noQuery, /^HTTP\/1\.1 301 /)
  assert.equal(location(noQuery), 'https://example.com/shop/cart')
  // The plain port in the Host header belongs to HTTP: HTTPS gets its own default port.
  const plainPortInHost = await exchangeUntilClose(t, plainPort, head('/x?y', `example.com:${String(plainPort)}`))
  assert.equal(location(plainPortInHost), 'https://example.com/x?y')
})

test('issue 11: forcing HTTPS on a TLS virtual server serves the request, on the default port or its own', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { tlsPort } = await rig(t, FORCE_HTTPS)
  const served = await overTls(t, tlsPort, '/shop/cart?item=7', 'example.com')
  assert.match(served, /^HTTP\/1\.1 200 /)
  assert.match(served, /\r\n\r\nn1$/)
  // The TLS port kept from the Host header: same scheme, host and port, so no redirect loop.
  const keptPort = await overTls(t, tlsPort, '/shop', `example.com:${String(tlsPort)}`)
  assert.match(keptPort, /^HTTP\/1\.1 200 /)
})

test('issue 11: an explicit port in the site is part of the comparison and of the Location', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { plainPort, tlsPort } = await rig(t, 'http.changeSite( "https://" . http.getHostHeader() . ":8443" );')
  const plain = await exchangeUntilClose(t, plainPort, head('/a?b=1', 'example.com'))
  assert.equal(location(plain), 'https://example.com:8443/a?b=1')
  // TLS on the default port is another site than TLS on 8443.
  const secure = await overTls(t, tlsPort, '/a', 'example.com')
  assert.match(secure, /^HTTP\/1\.1 301 /)
  assert.equal(location(secure), 'https://example.com:8443/a')
  const already = await overTls(t, tlsPort, '/a?b=1', 'example.com:8443')
  assert.match(already, /^HTTP\/1\.1 200 /)
})
