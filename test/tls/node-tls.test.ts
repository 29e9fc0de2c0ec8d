// TLS from Sluice to nodes (pool ssl section): verification against the CA catalog, name
// matching, client certificates, and pooled TLS connections.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type Server } from 'node:https'
import type { TestContext } from 'node:test'
import { TLSSocket } from 'node:tls'
import { onCleanup } from '../helpers/cleanup.ts'
import { makePki, type KeyPair } from './pki.ts'
import { obj, poolObj, startApp, tryStartApp, vsObj } from './start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

const pki = makePki()
after(() => pki?.cleanup())

interface TlsNode {
  address: string
  connections: number
  /** CN of the client certificate of the last request, or '' for none. */
  lastClientCn: string
}

async function tlsNode(t: TestContext, pair: KeyPair, requestCert = false): Promise<TlsNode> {
  const node: TlsNode = { address: '', connections: 0, lastClientCn: '' }
  const server: Server = createServer({ cert: pair.cert, key: pair.key, requestCert, rejectUnauthorized: false }, (req, res) => {
    const socket: unknown = req.socket
    // The https server's sockets are TLS sockets; the check keeps the type honest.
    const peer = socket instanceof TLSSocket ? socket.getPeerCertificate() : null
    // With no client certificate Node returns an empty object, whatever the type says.
    const cn: unknown = (peer as { subject?: { CN?: unknown } } | null)?.subject?.CN
    node.lastClientCn = typeof cn === 'string' ? cn : ''
    res.end('secure node')
  })
  server.on('secureConnection', () => node.connections++)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const a = server.address()
  node.address = `127.0.0.1:${String(typeof a === 'object' && a !== null ? a.port : 0)}`
  onCleanup(t, () => {
    server.closeAllConnections()
    server.close()
  })
  return node
}

function proxyTo(node: TlsNode, ssl: Record<string, unknown>, extra: Record<string, string> = {}) {
  return {
    'ssl/cas/testca': pki?.ca.cert ?? '',
    'pools/p': poolObj([node.address], { ssl: { enable: true, ...ssl } }),
    'virtual_servers/web': vsObj(0, 'http', 'p'),
    ...extra,
  }
}

/** The URL of virtual server "web" once `app` runs (it listens on port 0). */
function webUrl(app: { bound(): readonly { virtualServer: string; port: number }[] }): string {
  return `http://127.0.0.1:${String(boundPort(app, 'web'))}/`
}

test('a pool with ssl.enable talks TLS to its nodes and reuses the connections', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await tlsNode(t, pki.server(['node.test']))
  const url = webUrl(await startApp(t, proxyTo(node, { strict_verify: true, common_name_match: ['node.test'] })))
  for (let i = 0; i < 3; i++) assert.equal(await (await fetch(url)).text(), 'secure node')
  assert.equal(node.connections, 1, 'one TLS connection served every request')
})

test('strict_verify refuses a certificate that does not match, or comes from an unknown CA', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const wrongName = await tlsNode(t, pki.server(['other.test']))
  const a = proxyTo(wrongName, { strict_verify: true, common_name_match: ['node.test'] })
  const aUrl = webUrl(await startApp(t, a))
  assert.equal((await fetch(aUrl)).status, 502)

  const rogue = await tlsNode(t, pki.client('rogue-node', true))
  const b = proxyTo(rogue, { strict_verify: true })
  const bUrl = webUrl(await startApp(t, b))
  assert.equal((await fetch(bUrl)).status, 502)

  // Without strict verification the same node is used.
  const c = proxyTo(rogue, { strict_verify: false })
  const cUrl = webUrl(await startApp(t, c))
  assert.equal(await (await fetch(cUrl)).text(), 'secure node')
})

test('ssl_fixed_client_certificate presents a client certificate to the node', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await tlsNode(t, pki.server(['node.test']), true)
  const client = pki.client('sluice-client')
  const files = proxyTo(
    node,
    { client_auth: true, ssl_fixed_client_certificate: 'me' },
    { 'ssl/client_keys/me': obj({ basic: { public: client.cert, private: client.key } }) },
  )
  const url = webUrl(await startApp(t, files))
  assert.equal(await (await fetch(url)).text(), 'secure node')
  assert.equal(node.lastClientCn, 'sluice-client')
})

test('a missing client certificate is a configuration error', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await tlsNode(t, pki.server(['node.test']))
  const files = proxyTo(node, { ssl_fixed_client_certificate: 'nope' })
  const { applied } = await tryStartApp(t, files)
  assert.ok(!applied.ok)
  assert.match(JSON.stringify(applied.error), /ssl_fixed_client_certificate/)
})
