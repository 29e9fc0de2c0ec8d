/**
 * The API over TLS (the only way it may listen beyond loopback), with Basic authentication.
 */
import assert from 'node:assert/strict'
import { request } from 'node:https'
import { test } from 'node:test'
import { ApiServer, hashPassword, saveUser, usersFilePath } from '../../src/api/index.ts'
import { App } from '../../src/app.ts'
import { loadConfigDir } from '../../src/config/index.ts'
import { createLogger, systemClock, systemRandom } from '../../src/core/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { basic, writeConfigDir } from './harness.ts'
import { selfSigned } from '../helpers/self-signed.ts'


function get(port: number, path: string, ca: Buffer, auth?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost', headers: auth === undefined ? {} : { authorization: auth } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

test('the API serves HTTPS with Basic authentication', async (t) => {
  const tls = selfSigned()
  if (tls === undefined) {
    t.skip('openssl is not available')
    return
  }
  const dir = await writeConfigDir(t, { 'pools/web': { properties: { basic: { nodes_table: [] } } } })
  assert.ok((await saveUser(usersFilePath(dir), { name: 'ops', role: 'readonly', passwordHash: await hashPassword('ops-password') })).ok)
  const loaded = await loadConfigDir(dir)
  assert.ok(loaded.ok)
  const logger = createLogger('error')
  const app = new App({ clock: systemClock, random: systemRandom, logger })
  assert.ok((await app.apply(loaded.value)).ok)
  onCleanup(t, () => app.stop(0))
  const api = new ApiServer({ app, configDir: dir, logger, clock: systemClock, address: { host: '127.0.0.1', port: 0 }, tls })
  const started = await api.start()
  assert.ok(started.ok)
  onCleanup(t, () => api.close())
  const port = started.value.port
  assert.equal((await get(port, '/api/tm/8.3/config/active/pools/', tls.cert)).status, 401)
  const ok = await get(port, '/api/tm/8.3/config/active/pools/', tls.cert, basic('ops', 'ops-password'))
  assert.equal(ok.status, 200)
  assert.deepEqual(JSON.parse(ok.body), { children: [{ name: 'web', href: '/api/tm/8.3/config/active/pools/web' }] })
})
