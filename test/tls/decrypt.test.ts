// SSL decryption on virtual servers: certificates and SNI, versions, resumption, ALPN, client
// certificates, handshake timeouts, and configuration errors found when the snapshot is built.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { X509Certificate, createHash } from 'node:crypto'
import { join } from 'node:path'
import { connect as tcpConnect, type Socket } from 'node:net'
import type { TestContext } from 'node:test'
import type { ConnectionOptions, TLSSocket } from 'node:tls'
import { startHttpNode, startRawNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { loadConfigFromObjects } from '../../src/config/index.ts'
import { makePki } from './pki.ts'
import { poolObj, serverKeyObj, startApp, tryStartApp, vsObj } from './start-app.ts'
import { firstSession, httpsGet, peerCn, readAll, tlsConnect } from './tls-client.ts'
import { boundPort } from '../helpers/bound-port.ts'

const pki = makePki()
after(() => pki?.cleanup())

const certs = pki === undefined ? undefined : {
  main: pki.server(['main.test']),
  a: pki.server(['a.test']),
  wild: pki.server(['*.example.com']),
  client: pki.client('alice'),
  rogue: pki.client('mallory', true),
}

function catalog(): Record<string, string> {
  if (certs === undefined) return {}
  return {
    'ssl/server_keys/main': serverKeyObj(certs.main.cert, certs.main.key),
    'ssl/server_keys/a': serverKeyObj(certs.a.cert, certs.a.key),
    'ssl/server_keys/wild': serverKeyObj(certs.wild.cert, certs.wild.key),
  }
}

async function httpsProxy(t: TestContext, ssl: Record<string, unknown> = {}, basic: Record<string, unknown> = {}, more: Record<string, Record<string, unknown>> = {}) {
  const node = await startHttpNode(t, 'n1')
  const app = await startApp(t, {
    ...catalog(),
    ...(pki === undefined ? {} : { 'ssl/cas/testca': pki.ca.cert }),
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'https', 'p', {
      ...more,
      basic: { ssl_decrypt: true, ...basic },
      ssl: {
        server_cert_default: 'main',
        server_cert_host_mapping: [
          { host: 'a.test', certificate: 'a' },
          { host: '*.example.com', certificate: 'wild' },
        ],
        ...ssl,
      },
    }),
  })
  const port = boundPort(app, 'web')
  return { app, port, node }
}

test('https: the default certificate, SNI host mapping with wildcards, and the HTTP engine behind', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port } = await httpsProxy(t)
  const plain = await httpsGet(t, port, { ca: pki.ca.cert, servername: 'main.test' })
  assert.equal(plain.cn, 'main.test')
  assert.match(plain.response, /^HTTP\/1\.1 200 /)
  assert.match(plain.response, /\r\n\r\nn1$/)
  const a = await tlsConnect(t, port, { ca: pki.ca.cert, servername: 'a.test' })
  assert.equal(peerCn(a), 'a.test')
  assert.equal(a.authorized, true)
  const wild = await tlsConnect(t, port, { ca: pki.ca.cert, servername: 'API.Example.com' })
  assert.equal(peerCn(wild), '*.example.com')
  const other = await tlsConnect(t, port, { servername: 'nothing.test' })
  assert.equal(peerCn(other), 'main.test')
  const deep = await tlsConnect(t, port, { servername: 'a.b.example.com' })
  assert.equal(peerCn(deep), 'main.test')
})

test('curl --cacert and openssl s_client talk to an https virtual server', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port } = await httpsProxy(t)
  const caFile = join(pki.dir, 'testca.crt')
  const curl = await run('curl', ['-sS', '--max-time', '5', '--cacert', caFile, '--resolve', `a.test:${port}:127.0.0.1`, `https://a.test:${port}/`])
  assert.equal(curl.stdout, 'n1')
  const sClient = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'a.test', '-CAfile', caFile, '-brief'], 'Q\n')
  assert.match(sClient.stdout + sClient.stderr, /Verification: OK/)
  assert.match(sClient.stdout + sClient.stderr, /CN ?= ?a\.test/)
})

function run(cmd: string, args: readonly string[], input = ''): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 10000 }, (e, stdout, stderr) => {
      if (e !== null && cmd !== 'openssl') reject(new Error(`${cmd}: ${e.message} ${stderr}`))
      else resolve({ stdout, stderr })
    })
    child.stdin?.end(input)
  })
}

test('TLS 1.2 and 1.3 by default; per-version switches; older versions refused', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port } = await httpsProxy(t)
  assert.equal((await tlsConnect(t, port)).getProtocol(), 'TLSv1.3')
  assert.equal((await tlsConnect(t, port, { maxVersion: 'TLSv1.2' })).getProtocol(), 'TLSv1.2')
  await assert.rejects(tlsConnect(t, port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }))
  const only12 = await httpsProxy(t, { support_tls1_3: 'disabled' })
  assert.equal((await tlsConnect(t, only12.port)).getProtocol(), 'TLSv1.2')
  await assert.rejects(tlsConnect(t, only12.port, { minVersion: 'TLSv1.3' }))
})

test('ALPN offers h2 and http/1.1, and http/1.1 only when http2.enabled is off', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port } = await httpsProxy(t)
  const s = await tlsConnect(t, port, { ALPNProtocols: ['h2', 'http/1.1'] })
  assert.equal(s.alpnProtocol, 'h2')
  const h1 = await tlsConnect(t, port, { ALPNProtocols: ['http/1.1'] })
  assert.equal(h1.alpnProtocol, 'http/1.1')
  const off = await httpsProxy(t, {}, {}, { http2: { enabled: false } })
  const offered = await tlsConnect(t, off.port, { ALPNProtocols: ['h2', 'http/1.1'] })
  assert.equal(offered.alpnProtocol, 'http/1.1')
})

async function resumed(t: TestContext, port: number, maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<boolean> {
  const session = await firstSession(t, port, { maxVersion, servername: 'a.test' })
  const second = await tlsConnect(t, port, { maxVersion, servername: 'a.test', session })
  return second.isSessionReused()
}

test('sessions resume with tickets (TLS 1.2 and 1.3) and with the session cache when tickets are off', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port } = await httpsProxy(t)
  assert.equal(await resumed(t, port, 'TLSv1.3'), true)
  assert.equal(await resumed(t, port, 'TLSv1.2'), true)
  const noTickets = await httpsProxy(t, { session_tickets_enabled: 'disabled' })
  assert.equal(await resumed(t, noTickets.port, 'TLSv1.2'), true)
  const nothing = await httpsProxy(t, { session_tickets_enabled: 'disabled', session_cache_enabled: 'disabled' })
  assert.equal(await resumed(t, nothing.port, 'TLSv1.2'), false)
})

test('client certificates: require with a CA refuses no certificate and a rogue one', async (t) => {
  if (pki === undefined || certs === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port } = await httpsProxy(t, { request_client_cert: 'require', client_cert_cas: ['testca'] })
  const good = await httpsGet(t, port, { cert: certs.client.cert, key: certs.client.key, maxVersion: 'TLSv1.2' })
  assert.match(good.response, /\r\n\r\nn1$/)
  await assert.rejects(tlsConnect(t, port, { maxVersion: 'TLSv1.2' }))
  // In TLS 1.3 the client learns of the refusal after its own handshake is done: nothing comes back.
  const none13 = await tlsConnect(t, port).then(
    async (s) => {
      s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      return readAll(s)
    },
    () => '',
  )
  assert.equal(none13, '')
  const rogue = await tlsConnect(t, port, { cert: certs.rogue.cert, key: certs.rogue.key }).then(
    async (s) => {
      s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      return readAll(s)
    },
    () => '',
  )
  assert.equal(rogue, '')
})

test('client certificates: request accepts clients without one; require without CAs takes any certificate', async (t) => {
  if (pki === undefined || certs === undefined) {
    t.skip('openssl is not available')
    return
  }
  const requested = await httpsProxy(t, { request_client_cert: 'request', client_cert_cas: ['testca'] })
  assert.match((await httpsGet(t, requested.port)).response, /\r\n\r\nn1$/)
  const anyCert = await httpsProxy(t, { request_client_cert: 'require' })
  assert.match((await httpsGet(t, anyCert.port, { cert: certs.rogue.cert, key: certs.rogue.key })).response, /\r\n\r\nn1$/)
  const none = await tlsConnect(t, anyCert.port).then(
    async (s) => {
      s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      return readAll(s)
    },
    () => '',
  )
  assert.equal(none, '')
})

test('a client that never finishes its handshake is closed after connect_timeout', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port, app } = await httpsProxy(t, {}, { connect_timeout: 1 })
  const socket = tcpConnect({ host: '127.0.0.1', port })
  t.after(() => socket.destroy())
  socket.on('error', () => undefined)
  socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x01])) // half a ClientHello, then silence
  const started = Date.now()
  await new Promise((resolve) => socket.once('close', resolve))
  const waited = Date.now() - started
  assert.ok(waited >= 800 && waited < 4000, `closed after ${String(waited)} ms`)
  await waitFor(() => app.openConnections === 0, 'the connection count to drop')
})

test('decrypting a generic client_first stream', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await startRawNode(t, (s, got) => {
    if (got.endsWith('\n')) s.end(`echo:${got}`)
  })
  const started = await startApp(t, {
    ...catalog(),
    'pools/p': poolObj([node.address]),
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p', { basic: { ssl_decrypt: true }, ssl: { server_cert_default: 'main' } }),
  })
  const port = boundPort(started, 'tcp')
  const s: TLSSocket = await tlsConnect(t, port)
  assert.equal(s.alpnProtocol, false)
  s.write('hello\n')
  assert.equal(await readAll(s), 'echo:hello\n')
})

test('bad certificates, keys that do not match and unknown names are configuration errors', async (t) => {
  if (pki === undefined || certs === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { applied } = await tryStartApp(t, {
    'ssl/server_keys/main': serverKeyObj(certs.main.cert, certs.a.key),
    'ssl/server_keys/junk': serverKeyObj('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', certs.a.key),
    'ssl/server_keys/nokey': serverKeyObj(certs.a.cert, ''),
    'ssl/cas/notca': certs.client.cert,
    'pools/p': poolObj(['127.0.0.1:1']),
    'virtual_servers/web': vsObj(0, 'https', 'p', {
      basic: { ssl_decrypt: true },
      ssl: {
        server_cert_default: 'main',
        server_cert_host_mapping: [
          { host: 'j.test', certificate: 'junk' },
          { host: 'k.test', certificate: 'nokey' },
          { host: 'bad host', certificate: 'missing' },
        ],
        client_cert_cas: ['notca', 'nosuchca'],
        request_client_cert: 'require',
      },
    }),
  })
  if (applied.ok) assert.fail('expected diagnostics')
  const lines = applied.error.map((d) => `${d.objectType}/${d.objectName} ${d.key ?? ''}: ${d.reason}`)
  const expect = [
    /^ssl\/server_keys\/main basic\.private: the private key does not match the certificate$/,
    /^ssl\/server_keys\/junk basic\.public: certificate 1 cannot be parsed/,
    /^ssl\/server_keys\/nokey basic\.private: no PEM private key$/,
    /^virtual_servers\/web ssl\.server_cert_host_mapping\[2\]\.host: "bad host" is not a host name/,
    /^virtual_servers\/web ssl\.server_cert_host_mapping\[2\]\.certificate: names ssl\/server_keys\/missing, which does not exist$/,
    /^ssl\/cas\/notca : certificate "CN=alice" is not a CA certificate$/,
    /^virtual_servers\/web ssl\.client_cert_cas\[1\]: names ssl\/cas\/nosuchca, which does not exist$/,
  ]
  for (const re of expect) assert.ok(lines.some((l) => re.test(l)), `${String(re)} in\n${lines.join('\n')}`)
  const noDefault = await tryStartApp(t, { 'pools/p': poolObj(['127.0.0.1:1']), 'virtual_servers/web': vsObj(0, 'https', 'p', { basic: { ssl_decrypt: true } }) })
  if (noDefault.applied.ok) assert.fail('expected a diagnostic')
  assert.match(noDefault.applied.error[0]?.reason ?? '', /needs a default certificate/)
})

test('sessions still resume after a configuration reload', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { app, port, node } = await httpsProxy(t)
  const session12 = await firstSession(t, port, { maxVersion: 'TLSv1.2', servername: 'a.test' })
  const session13 = await firstSession(t, port, { servername: 'a.test' })
  const before = app.snapshot
  const reloaded = loadConfigFromObjects({
    ...catalog(),
    'pools/p': poolObj([node.address]),
    // Port 0 again: the listener keeps the port the system gave it.
    'virtual_servers/web': vsObj(0, 'https', 'p', {
      basic: { ssl_decrypt: true, note: 'reloaded' },
      ssl: { server_cert_default: 'main', server_cert_host_mapping: [{ host: 'a.test', certificate: 'a' }] },
    }),
  })
  if (!reloaded.ok) assert.fail('bad test configuration')
  const applied = await app.apply(reloaded.value)
  assert.equal(applied.ok, true)
  assert.notEqual(app.snapshot, before)
  const again12 = await tlsConnect(t, port, { maxVersion: 'TLSv1.2', servername: 'a.test', session: session12 })
  assert.equal(again12.isSessionReused(), true)
  const again13 = await tlsConnect(t, port, { servername: 'a.test', session: session13 })
  assert.equal(again13.isSessionReused(), true)
})

test('the HTTP engine runs with scheme https: X-Forwarded-Proto says so', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await startHttpNode(t, 'n1')
  const started2 = await startApp(t, {
    ...catalog(),
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'https', 'p', {
      basic: { ssl_decrypt: true },
      http: { add_x_forwarded_proto: true },
      ssl: { server_cert_default: 'main' },
    }),
  })
  const port = boundPort(started2, 'web')
  const r = await httpsGet(t, port)
  assert.match(r.response, /\r\n\r\nn1$/)
  assert.equal(node.seen[0]?.headers['x-forwarded-proto'], 'https')
})

test('half-close through a decrypted stream with proxy_close', async (t) => {
  if (pki === undefined) {
    t.skip('openssl is not available')
    return
  }
  const node = await startRawNode(t, () => undefined)
  node.server.removeAllListeners('connection')
  node.server.on('connection', (s: Socket) => {
    let got = ''
    s.on('error', () => undefined)
    s.on('data', (c: Buffer) => (got += c.toString('latin1')))
    s.on('end', () => s.end(`after-fin:${got}`))
  })
  const started3 = await startApp(t, {
    ...catalog(),
    'pools/p': poolObj([node.address]),
    'virtual_servers/tcp': vsObj(0, 'client_first', 'p', { basic: { ssl_decrypt: true }, tcp: { proxy_close: true }, ssl: { server_cert_default: 'main' } }),
  })
  const port = boundPort(started3, 'tcp')
  const s = await tlsConnect(t, port, { allowHalfOpen: true } as ConnectionOptions)
  const reply = readAll(s)
  s.end('request')
  assert.equal(await reply, 'after-fin:request')
})

test('client certificate fields reach the node; a client cannot forge them', async (t) => {
  if (pki === undefined || certs === undefined) {
    t.skip('openssl is not available')
    return
  }
  const { port, node } = await httpsProxy(t, { request_client_cert: 'require', client_cert_cas: ['testca'], client_cert_headers: 'simple' })
  const socket = await tlsConnect(t, port, { cert: certs.client.cert, key: certs.client.key })
  socket.write('GET / HTTP/1.1\r\nHost: test\r\nSSL-Client-Cert-Status: forged\r\nConnection: close\r\n\r\n')
  assert.match(await readAll(socket), /\r\n\r\nn1$/)
  const seen = node.seen[0]?.headers
  assert.ok(seen)
  assert.equal(seen['ssl-client-cert-status'], 'ok', 'the forged value is replaced')
  assert.match(String(seen['ssl-client-cert-subject']), /alice/)
})

test('ssl.* rule functions read the client session, its certificate and the server certificate', async (t) => {
  if (pki === undefined || certs === undefined) {
    t.skip('openssl is not available')
    return
  }
  const rule = [
    'http.setHeader("X-Is", ssl.isSSL());',
    'http.setHeader("X-Cipher", ssl.clientCipher());',
    'http.setHeader("X-SNI", ssl.getTLSServerName());',
    'http.setHeader("X-Status", ssl.clientCertStatus());',
    'http.setHeader("X-CN", ssl.clientCertCommonName());',
    'http.setHeader("X-Issuer", ssl.clientCertIssuer());',
    'http.setHeader("X-Version", ssl.clientCertVersion());',
    'http.setHeader("X-SHA1", ssl.clientCertSHA1());',
    'http.setHeader("X-Has-PEM", string.startsWith(ssl.clientCert(), "-----BEGIN CERTIFICATE-----"));',
    'http.setHeader("X-Server-Name", ssl.serverCertName());',
    'http.setHeader("X-Server-CN", ssl.serverCertCommonName());',
  ].join('\n')
  const node = await startHttpNode(t, 'n1')
  const started4 = await startApp(t, {
    ...catalog(),
    'ssl/cas/testca': pki.ca.cert,
    'rules/sslinfo': rule,
    'pools/p': poolObj([node.address]),
    'virtual_servers/web': vsObj(0, 'https', 'p', {
      basic: { ssl_decrypt: true, request_rules: ['sslinfo'] },
      ssl: { server_cert_default: 'main', server_cert_host_mapping: [{ host: 'a.test', certificate: 'a' }], request_client_cert: 'request', client_cert_cas: ['testca'] },
    }),
  })
  const port = boundPort(started4, 'web')
  const withCert = await tlsConnect(t, port, { cert: certs.client.cert, key: certs.client.key, servername: 'a.test' })
  withCert.write('GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n')
  assert.match(await readAll(withCert), /\r\n\r\nn1$/)
  const seen = node.seen[0]?.headers
  assert.ok(seen)
  assert.equal(seen['x-is'], '1')
  assert.match(String(seen['x-cipher']), /^TLS_\w+, version=TLSv1\.3, bits=(128|256)$/)
  assert.equal(seen['x-sni'], 'a.test')
  assert.equal(seen['x-status'], 'OK')
  assert.equal(seen['x-cn'], 'alice')
  assert.equal(seen['x-issuer'], '/CN=testca')
  assert.equal(seen['x-version'], '3')
  assert.equal(seen['x-sha1'], createHash('sha1').update(new X509Certificate(certs.client.cert).raw).digest('hex'))
  assert.equal(seen['x-has-pem'], '1')
  assert.equal(seen['x-server-name'], 'a', 'the SNI-mapped certificate was presented')
  assert.equal(seen['x-server-cn'], 'a.test')

  const without = await tlsConnect(t, port, {})
  without.write('GET / HTTP/1.1\r\nHost: main.test\r\nConnection: close\r\n\r\n')
  assert.match(await readAll(without), /\r\n\r\nn1$/)
  const plain = node.seen[1]?.headers
  assert.equal(plain?.['x-status'], 'NoClientCert')
  assert.equal(plain['x-cn'], '')
  assert.equal(plain['x-server-name'], 'main')
})
