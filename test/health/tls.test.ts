// use_ssl: http and connect monitors over TLS, with a throwaway self-signed certificate.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import https from 'node:https'
import { ConnectProbe, HttpProbe, parseNodeAddress } from '../../src/health/index.ts'
import { closeServer, listen, spec, tracked } from './helpers.ts'
import { selfSigned } from '../helpers/self-signed.ts'


test('use_ssl: http and connect monitors speak TLS without verifying the certificate', async (t) => {
  const pair = selfSigned()
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const server = https.createServer(pair, (req, res) => {
    res.writeHead(req.url === '/ok' ? 204 : 503)
    res.end()
  })
  const sockets = tracked(server)
  const label = await listen(server)
  t.after(() => closeServer(server, sockets))
  const parsed = parseNodeAddress(label)
  assert.ok(parsed.ok)
  const good = new HttpProbe(spec({ type: 'http', useSsl: true, path: '/ok' }))
  assert.deepEqual(await good.run(parsed.value, AbortSignal.timeout(2000)), { ok: true, reason: 'status 204' })
  const bad = new HttpProbe(spec({ type: 'http', useSsl: true, path: '/down' }))
  assert.deepEqual(await bad.run(parsed.value, AbortSignal.timeout(2000)),
    { ok: false, reason: 'status 503 did not match ^[234][0-9][0-9]$' })
  const plain = new HttpProbe(spec({ type: 'http', useSsl: false, path: '/ok' }))
  assert.equal((await plain.run(parsed.value, AbortSignal.timeout(2000))).ok, false, 'plain HTTP to a TLS port fails')
  const connect = new ConnectProbe(spec({ useSsl: true }))
  assert.deepEqual(await connect.run(parsed.value, AbortSignal.timeout(2000)), { ok: true, reason: `connected to ${label}` })
})
