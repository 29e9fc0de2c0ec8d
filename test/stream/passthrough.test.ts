// SSL pass-through: the ClientHello's SNI name routes the connection (through a StreamRouter,
// the hook rules will use) while the TLS bytes pass untouched to the node.
import { after, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type TLSSocket } from 'node:tls'
import { onCleanup } from '../helpers/cleanup.ts'
import { makePki, type KeyPair } from '../tls/pki.ts'
import { poolObj, startApp, vsObj } from '../tls/start-app.ts'
import { readAll, tlsConnect } from '../tls/tls-client.ts'
import type { StreamRouter, StreamTransaction } from '../../src/snapshot/index.ts'
import { boundPort } from '../helpers/bound-port.ts'

const pki = makePki()
after(() => pki?.cleanup())

/** A TLS node that answers every connection with its name and closes. */
async function tlsNode(t: TestContext, name: string, pair: KeyPair): Promise<string> {
  const server = createServer({ cert: pair.cert, key: pair.key }, (s: TLSSocket) => {
    s.on('error', () => undefined)
    s.end(`${name}:${String(s.servername)}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise((resolve) => server.close(resolve)))
  const a = server.address()
  if (a === null || typeof a === 'string') throw new Error('no address')
  return `127.0.0.1:${String(a.port)}`
}

test('ssl pass-through routes by SNI through a StreamRouter; the node terminates TLS', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const a = await tlsNode(t, 'node-a', pki.server(['a.test']))
  const b = await tlsNode(t, 'node-b', pki.server(['b.test']))
  const seen: { name: string; helloBytes: number }[] = []
  const router: StreamRouter = (tx: StreamTransaction) => {
    seen.push({ name: tx.serverName(), helloBytes: tx.clientData().length })
    if (tx.serverName() === 'a.test') tx.usePool('a')
    else if (tx.serverName() === 'drop.test') tx.discard()
  }
  const started = await startApp(
    t,
    { 'pools/a': poolObj([a]), 'pools/b': poolObj([b]), 'virtual_servers/tcp': vsObj(0, 'ssl', 'b') },
    { streamRouters: new Map([['tcp', router]]) },
  )
  const port = boundPort(started, 'tcp')
  const toA = await tlsConnect(t, port, { servername: 'a.test', ca: pki.ca.cert })
  assert.equal(toA.authorized, true)
  assert.equal(await readAll(toA), 'node-a:a.test')
  const toB = await tlsConnect(t, port, { servername: 'b.test', ca: pki.ca.cert })
  assert.equal(await readAll(toB), 'node-b:b.test')
  const noName = await tlsConnect(t, port, {})
  assert.equal(await readAll(noName), 'node-b:false')
  await assert.rejects(tlsConnect(t, port, { servername: 'drop.test' }))
  assert.deepEqual(
    seen.map((s) => s.name),
    ['a.test', 'b.test', '', 'drop.test'],
  )
  assert.ok(seen.every((s) => s.helloBytes > 40))
})

test('https without decryption is passed through as well', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const a = await tlsNode(t, 'node-a', pki.server(['a.test']))
  const started2 = await startApp(t, { 'pools/a': poolObj([a]), 'virtual_servers/web': vsObj(0, 'https', 'a') })
  const port = boundPort(started2, 'web')
  const s = await tlsConnect(t, port, { servername: 'a.test', ca: pki.ca.cert })
  assert.equal(s.authorized, true)
  assert.equal(await readAll(s), 'node-a:a.test')
})

test('a request rule on ssl pass-through routes with ssl.getTLSServerName()', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const a = await tlsNode(t, 'node-a', pki.server(['a.test']))
  const b = await tlsNode(t, 'node-b', pki.server(['b.test']))
  const started3 = await startApp(t, {
    'pools/a': poolObj([a]),
    'pools/b': poolObj([b]),
    'rules/sni': 'if( ssl.getTLSServerName() == "a.test" && !ssl.isSSL() && ssl.clientCipher() == "" ) pool.use( "a" );',
    'virtual_servers/tcp': vsObj(0, 'ssl', 'b', { basic: { request_rules: ['sni'] } }),
  })
  const port = boundPort(started3, 'tcp')
  assert.equal(await readAll(await tlsConnect(t, port, { servername: 'a.test', ca: pki.ca.cert })), 'node-a:a.test')
  assert.equal(await readAll(await tlsConnect(t, port, { servername: 'b.test', ca: pki.ca.cert })), 'node-b:b.test')
})
