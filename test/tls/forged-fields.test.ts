// On a decrypting virtual server the SSL-* fields Sluice adds cannot be forged by the client,
// whatever the case of their names or `_` for `-` (issue #11, item 5).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { replyOnHead, startRawNode } from '../helpers/nodes.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { poolObj, serverKeyObj, startApp, vsObj } from './start-app.ts'
import { readAll, tlsConnect } from './tls-client.ts'
import { boundPort } from '../helpers/bound-port.ts'

const pair = selfSigned()

test('client fields named like the SSL-* ones Sluice adds are removed, however spelt', async (t) => {
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await startRawNode(t, replyOnHead('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))
  const started = await startApp(t, {
    'ssl/server_keys/main': serverKeyObj(pair.cert.toString(), pair.key.toString()),
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'http', 'p', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'main', add_http_headers: true } }),
  })
  const port = boundPort(started, 'web')
  const socket = await tlsConnect(t, port, { maxVersion: 'TLSv1.2' })
  socket.write('GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\nSSL_Cipher: forged\r\nssl-protocol: forged\r\nSSL_Session_Reused: yes\r\n\r\n')
  assert.match(await readAll(socket), /^HTTP\/1\.1 200 /)
  const head = (node.received[0] ?? '').split('\r\n\r\n')[0] ?? ''
  assert.doesNotMatch(head, /forged|SSL_Session_Reused/i)
  assert.match(head, /\r\nSSL-Protocol: TLSv1\.2\r\n/)
  assert.match(head, /\r\nSSL-Session-Reused: no(?:\r\n|$)/)
})
