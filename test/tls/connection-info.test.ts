// The per-connection TLS facts the HTTP engine reads (tlsInfoOf): protocol, SNI name, client
// certificate status and the SSL-* header fields for each client_cert_headers mode.
import { after, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { constants } from 'node:crypto'
import { systemClock } from '../../src/core/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { TlsSessionCache, TlsTerminator, parseCaBundle, parseServerKey, tlsInfoOf, TLS_HEADER_NAMES, type TlsConnectionInfo, type TlsTerminatorOptions } from '../../src/tls/index.ts'
import { makePki } from './pki.ts'
import { tlsConnect } from './tls-client.ts'

const pki = makePki()
after(() => pki?.cleanup())
/** Where the test terminator puts the facts it reads early. */
const read: unknown[] = []

/** Runs a terminator behind a plain listener; resolves each decrypted connection's info. */
async function terminate(
  t: TestContext,
  o: Partial<TlsTerminatorOptions>,
  readEarly = true,
): Promise<{ port: number; next: () => Promise<TlsConnectionInfo | null> }> {
  if (pki === undefined) throw new Error('no pki')
  const pair = pki.server(['main.test'])
  const cert = parseServerKey('main', pair.cert, pair.key)
  if (!cert.ok) throw new Error(cert.error.reason)
  const ca = parseCaBundle('testca', Buffer.from(pki.ca.cert))
  if (!ca.ok) throw new Error(ca.error)
  const terminator = new TlsTerminator({
    name: 'vs',
    defaultCerts: [cert.value],
    hostCerts: [],
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    secureOptions: 0,
    ciphers: undefined,
    requestClientCert: 'request',
    clientCas: [ca.value],
    sessionCache: null,
    ticketKeys: null,
    sessionTimeoutSec: 0,
    sessionIdContext: 'vs',
    alpnProtocols: ['http/1.1'],
    handshakeTimeoutMs: 2000,
    info: { clientCertHeaders: 'simple', addHttpHeaders: false, hasClientCas: true },
    ...o,
  })
  const waiting: ((i: TlsConnectionInfo | null) => void)[] = []
  const server = createServer((raw: Socket) => {
    terminator.accept(raw, (secure: TLSSocket) => {
      const info = tlsInfoOf(secure)
      if (!readEarly) {
        secure.destroy()
        setImmediate(() => waiting.shift()?.(info))
        return
      }
      // Facts are read lazily and kept: read them all while the connection is open.
      if (info !== null) {
        read.push(info.protocol, info.cipher, info.serverName, info.isSessionReused, info.clientCertStatus, info.requestHeaders)
        read.push(info.cipherDescription, info.sessionIdHex, info.clientCert(), info.clientCertChainPem(), info.serverCert(), info.serverCertName)
      }
      waiting.shift()?.(info)
      secure.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(t, () => new Promise((resolve) => server.close(resolve)))
  const a = server.address()
  if (a === null || typeof a === 'string') throw new Error('no address')
  return { port: a.port, next: () => new Promise((resolve) => waiting.push(resolve)) }
}

function header(info: TlsConnectionInfo | null, name: string): string | undefined {
  const list = info?.requestHeaders ?? []
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1]
  return undefined
}

test('simple headers describe a verified client certificate; all adds the certificate itself', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const client = pki.client('alice')
  const simple = await terminate(t, {})
  const got = simple.next()
  await tlsConnect(t, simple.port, { cert: client.cert, key: client.key, servername: 'Main.Test' })
  const info = await got
  assert.equal(info?.clientCertStatus, 'ok')
  assert.equal(info.serverName, 'main.test')
  assert.equal(info.protocol, 'TLSv1.3')
  assert.equal(header(info, 'SSL-Client-Cert-Status'), 'ok')
  assert.equal(header(info, 'SSL-Client-Cert-Subject'), 'CN=alice')
  assert.equal(header(info, 'SSL-Client-Cert-Issuer'), 'CN=testca')
  assert.match(header(info, 'SSL-Client-Cert-Fingerprint') ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  assert.equal(header(info, 'SSL-Client-Cert'), undefined)
  for (let i = 0; i < info.requestHeaders.length; i += 2) {
    assert.ok(TLS_HEADER_NAMES.includes(info.requestHeaders[i] ?? ''))
    assert.doesNotMatch(info.requestHeaders[i + 1] ?? '', /[\r\n]/)
  }

  const all = await terminate(t, { info: { clientCertHeaders: 'all', addHttpHeaders: true, hasClientCas: true } })
  const gotAll = all.next()
  await tlsConnect(t, all.port, { cert: client.cert, key: client.key, maxVersion: 'TLSv1.2' })
  const allInfo = await gotAll
  const der = Buffer.from(client.cert.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')
  assert.equal(header(allInfo, 'SSL-Client-Cert'), der.toString('base64'))
  assert.equal(header(allInfo, 'SSL-Protocol'), 'TLSv1.2')
  assert.equal(header(allInfo, 'SSL-Session-Reused'), 'no')
})

test('rules-facing facts: cipher description, session ID, both certificates and the catalog name', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const client = pki.client('carol')
  // Stateful sessions (cache on, tickets off), so a TLS 1.2 session has an ID.
  const term = await terminate(t, { sessionCache: new TlsSessionCache(systemClock, 100, 60000), secureOptions: constants.SSL_OP_NO_TICKET })
  const got = term.next()
  await tlsConnect(t, term.port, { cert: client.cert, key: client.key, maxVersion: 'TLSv1.2' })
  const info = await got
  assert.ok(info !== null)
  assert.match(info.cipherDescription, /^TLS_\w+, version=TLSv1\.2, bits=(128|256)$/)
  assert.match(info.sessionIdHex, /^[0-9A-F]{64}$/)
  assert.equal(info.clientCert()?.subject, '/CN=carol')
  assert.equal(info.clientCert()?.commonName, 'carol')
  assert.equal(info.clientCert()?.issuer, '/CN=testca')
  const chain = info.clientCertChainPem()
  assert.equal(chain.match(/-----BEGIN CERTIFICATE-----/g)?.length, 2, 'leaf and CA')
  assert.ok(chain.startsWith(info.clientCert()?.pem ?? 'x'))
  assert.equal(info.serverCert()?.commonName !== undefined, true)
  assert.equal(info.serverCertName, 'main')

  const none = term.next()
  await tlsConnect(t, term.port)
  const plain = await none
  assert.equal(plain?.clientCert(), null)
  assert.equal(plain.clientCertChainPem(), '')
})

test('an unverified certificate is reported as invalid; no certificate as none; mode none adds nothing', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const rogue = pki.client('mallory', true)
  const term = await terminate(t, {})
  const got = term.next()
  await tlsConnect(t, term.port, { cert: rogue.cert, key: rogue.key })
  const info = await got
  assert.equal(info?.clientCertStatus, 'invalid')
  assert.notEqual(info.clientCertError, '')
  assert.equal(header(info, 'SSL-Client-Cert-Status'), 'invalid')
  const gotNone = term.next()
  await tlsConnect(t, term.port)
  assert.equal(header(await gotNone, 'SSL-Client-Cert-Status'), 'none')
  const quiet = await terminate(t, { info: { clientCertHeaders: 'none', addHttpHeaders: false, hasClientCas: true } })
  const gotQuiet = quiet.next()
  await tlsConnect(t, quiet.port, { cert: rogue.cert, key: rogue.key })
  assert.deepEqual((await gotQuiet)?.requestHeaders, [])
})

test('facts first asked for after the socket is gone read as empty instead of throwing', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const term = await terminate(t, {}, false)
  const got = term.next()
  await tlsConnect(t, term.port).catch(() => undefined)
  const info = await got
  assert.ok(info !== null)
  // The terminator destroyed the socket before anything was read.
  assert.equal(info.protocol, '')
  assert.equal(info.cipher, '')
  assert.equal(info.cipherDescription, '')
  assert.equal(info.sessionIdHex, '')
  assert.equal(info.isSessionReused, false)
  assert.equal(info.clientCertStatus, 'none')
  assert.equal(info.clientCert(), null)
  assert.equal(info.clientCertChainPem(), '')
  assert.equal(info.serverCert(), null)
  assert.deepEqual(info.requestHeaders, ['SSL-Client-Cert-Status', 'none'])
})
