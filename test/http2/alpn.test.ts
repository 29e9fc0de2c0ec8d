// HTTP/2 over TLS: a client that offers h2 in ALPN speaks HTTP/2 to a decrypting virtual server,
// and the node behind it hears HTTP/1.1 with the HTTPS forwarding fields.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { h2Request, h2Session } from '../helpers/h2-client.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { makePki } from '../tls/pki.ts'
import { poolObj, serverKeyObj, startApp, vsObj } from '../tls/start-app.ts'
import { boundPort } from '../helpers/bound-port.ts'

const pki = makePki()
after(() => pki?.cleanup())

test('ALPN h2: streams through a TLS virtual server reach an HTTP/1.1 node', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const cert = pki.server(['main.test'])
  const node = await startHttpNode(t, 'n1', (req, res) => {
    req.resume()
    req.on('end', () => res.end(`${req.httpVersion} ${String(req.headers['x-forwarded-proto'])}`))
  })
  const started = await startApp(t, {
    'ssl/server_keys/main': serverKeyObj(cert.cert, cert.key),
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'main' }, http: { add_x_forwarded_proto: true } }),
  })
  const port = boundPort(started, 'web')
  const session = await h2Session(t, `https://127.0.0.1:${port}`, { ca: pki.ca.cert, servername: 'main.test' })
  assert.equal(session.alpnProtocol, 'h2')
  const answers = await Promise.all([1, 2, 3].map((i) => h2Request(session, { ':path': `/${i}` })))
  for (const r of answers) {
    assert.equal(r.status, 200)
    assert.equal(r.body.toString(), '1.1 https')
  }
})
