/**
 * TLS private keys are write-only through the API for every user (issue #11, item 17): reads
 * show that a key is present, never the key, and a GET-then-PUT round trip keeps the key.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { connect } from 'node:tls'
import { join } from 'node:path'
import { test } from 'node:test'
import { hashPassword, saveUser, usersFilePath } from '../../src/api/index.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { basic, pick, startApi } from './harness.ts'
import { boundPort } from '../helpers/bound-port.ts'

const V = '/api/tm/8.3/config/active'

test('private keys are never read back, and a round trip keeps them', async (t) => {
  const pair = selfSigned()
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const key = pair.key.toString()
  const h = await startApi(t, {})
  assert.ok((await saveUser(usersFilePath(h.dir), { name: 'ro', role: 'readonly', passwordHash: await hashPassword('ro-password') })).ok)
  const url = `${V}/ssl/server_keys/site`
  const created = await h.call('PUT', url, { properties: { basic: { public: pair.cert.toString(), private: key, note: 'one' } } })
  assert.equal(created.status, 201, created.text)
  assert.equal(pick(created.body, 'properties', 'basic', 'private'), '********', 'not in the PUT answer either')

  for (const auth of [undefined, basic('ro', 'ro-password')]) {
    const read = await h.call('GET', url, undefined, auth === undefined ? {} : { auth })
    assert.equal(read.status, 200)
    assert.doesNotMatch(read.text, /PRIVATE KEY/)
    assert.equal(pick(read.body, 'properties', 'basic', 'private'), '********')
    assert.match(String(pick(read.body, 'properties', 'basic', 'public')), /BEGIN CERTIFICATE/, 'the certificate is public')
  }
  assert.doesNotMatch((await h.call('GET', '/api/tm/8.3/status/local_tm/audit')).text, /PRIVATE KEY/)

  // GET, change the note, PUT the whole document back: the marker keeps the stored key.
  const doc = (await h.call('GET', url)).body as { properties: { basic: Record<string, unknown> } }
  doc.properties.basic['note'] = 'two'
  const roundTrip = await h.call('PUT', url, doc)
  assert.equal(roundTrip.status, 200, roundTrip.text)
  const stored = async () => pick(JSON.parse(await readFile(join(h.dir, 'ssl', 'server_keys', 'site'), 'utf8')), 'properties', 'basic', 'private')
  assert.equal(await stored(), key)
  assert.equal((await h.call('PUT', url, { properties: { basic: { note: 'three' } } })).status, 200)
  assert.equal(await stored(), key, 'leaving the key out keeps it too')

  // The key still works: a virtual server decrypts with it.
  const vs = { properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'discard', ssl_decrypt: true, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] }, ssl: { server_cert_default: 'site' } } }
  const put = await h.call('PUT', `${V}/virtual_servers/tls`, vs)
  assert.equal(put.status, 201, put.text)
  const port = boundPort(h.app, 'tls')
  const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pair.cert })
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve)
    socket.once('error', reject)
  })
  assert.equal(socket.authorized, true)
  socket.destroy()

  const marker = await h.call('PUT', `${V}/ssl/server_keys/other`, { properties: { basic: { public: pair.cert.toString(), private: '********' } } })
  assert.equal(marker.status, 400, 'the marker cannot stand in for a key that was never stored')
  assert.equal(pick(marker.body, 'error', 'error_info', 'diagnostics', 0, 'key'), 'basic.private')
})
