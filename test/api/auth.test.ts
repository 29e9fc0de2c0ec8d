/**
 * Users, roles and the audit trail: Basic authentication against scrypt hashes, read-only
 * users refused changes, loopback without users open, other addresses refused without TLS.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { test } from 'node:test'
import { ApiServer, hashPassword, loadUsers, saveUser, usersFilePath, verifyPassword } from '../../src/api/index.ts'
import { createLogger, systemClock } from '../../src/core/index.ts'
import { ROOT } from '../e2e/cli-harness.ts'
import { basic, pick, startApi, writeConfigDir } from './harness.ts'

const POOL = '/api/tm/8.3/config/active/pools/p'

test('password hashes: scrypt, salted, verified', async () => {
  const a = await hashPassword('correct horse')
  const b = await hashPassword('correct horse')
  assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
  assert.notEqual(a, b, 'a fresh salt each time')
  assert.equal(await verifyPassword('correct horse', a), true)
  assert.equal(await verifyPassword('wrong horse', a), false)
  assert.equal(await verifyPassword('x', 'scrypt$3$8$1$AAAA$BBBB'), false, 'malformed hashes never verify')
})

test('Basic authentication, roles, and who is audited', async (t) => {
  const h = await startApi(t, {})
  const file = usersFilePath(h.dir)
  assert.ok((await saveUser(file, { name: 'ann', role: 'admin', passwordHash: await hashPassword('ann-secret') })).ok)
  assert.ok((await saveUser(file, { name: 'rob', role: 'readonly', passwordHash: await hashPassword('rob-secret') })).ok)
  const doc = { properties: { basic: { note: 'hello' } } }

  const anonymous = await h.call('GET', POOL, undefined, { auth: null })
  assert.equal(anonymous.status, 401)
  assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="sluice"')
  assert.equal(pick(anonymous.body, 'error', 'error_id'), 'auth.unauthorized')
  assert.equal((await h.call('GET', '/metrics', undefined, { auth: null })).status, 401, 'metrics need credentials too')
  assert.equal((await h.call('PUT', POOL, doc, { auth: basic('ann', 'wrong') })).status, 401)
  assert.equal((await h.call('PUT', POOL, doc, { auth: basic('nobody', 'ann-secret') })).status, 401)
  assert.equal((await h.call('PUT', POOL, doc, { auth: 'Bearer abc' })).status, 401)

  const ro = await h.call('PUT', POOL, doc, { auth: basic('rob', 'rob-secret') })
  assert.equal(ro.status, 403)
  assert.equal((await h.call('GET', '/api/tm/8.3/config/active/pools/', undefined, { auth: basic('rob', 'rob-secret') })).status, 200)
  assert.equal((await h.call('PUT', POOL, doc, { auth: basic('ann', 'ann-secret') })).status, 201)
  assert.equal((await h.call('PUT', POOL, { properties: { basic: { note: 'again' } } }, { auth: basic('ann', 'ann-secret') })).status, 200)
  assert.equal((await h.call('DELETE', POOL, undefined, { auth: basic('rob', 'rob-secret') })).status, 403)

  const audit = await h.call('GET', '/api/tm/8.3/status/local_tm/audit', undefined, { auth: basic('rob', 'rob-secret') })
  const entries = pick(audit.body, 'audit') as { user: string; action: string; objectType: string; objectName: string; before: unknown; after: unknown }[]
  assert.deepEqual(entries.map((e) => `${e.user} ${e.action} ${e.objectType}/${e.objectName}`), ['ann create pools/p', 'ann update pools/p'])
  assert.equal(entries[0]?.before, null)
  assert.deepEqual(entries[1]?.before, doc)
  assert.deepEqual(entries[1].after, { properties: { basic: { note: 'again' } } })
  const since = await h.call('GET', `/api/tm/8.3/status/local_tm/audit?since=${String((entries[0] as { id?: number }).id ?? 0)}`, undefined, { auth: basic('ann', 'ann-secret') })
  assert.equal((pick(since.body, 'audit') as unknown[]).length, 1)
})

test('secrets are masked in the audit log', async (t) => {
  const h = await startApi(t, {})
  const put = await h.call('PUT', '/api/tm/8.3/config/active/actions/hook', {
    properties: { basic: { type: 'soap' }, soap: { proxy: 'http://127.0.0.1:1/', username: 'u', password: 'hunter2' } },
  })
  assert.equal(put.status, 201)
  const audit = await h.call('GET', '/api/tm/8.3/status/local_tm/audit')
  assert.doesNotMatch(audit.text, /hunter2/)
  assert.equal(pick(audit.body, 'audit', 0, 'after', 'properties', 'soap', 'password'), '********')
})

test('an address other than loopback needs TLS and users', async (t) => {
  const dir = await writeConfigDir(t, {})
  const app = { snapshot: null, stats: undefined, events: undefined, apply: undefined } as unknown as ConstructorParameters<typeof ApiServer>[0]['app']
  const logger = createLogger('error')
  const plain = new ApiServer({ app, configDir: dir, logger, clock: systemClock, address: { host: '0.0.0.0', port: 0 } })
  const refused = await plain.start()
  assert.ok(!refused.ok)
  assert.match(refused.error, /needs a TLS certificate/)
  const withTls = new ApiServer({ app, configDir: dir, logger, clock: systemClock, address: { host: '0.0.0.0', port: 0 }, tls: { cert: 'x', key: 'y' } })
  const noUsers = await withTls.start()
  assert.match(noUsers.ok ? '' : noUsers.error, /needs at least one user/)
})

test('sluice user add writes a scrypt hash from standard input', async (t) => {
  const dir = await writeConfigDir(t, {})
  const child = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), 'user', 'add', 'ops', '--role', 'readonly', '--config', dir], { stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdin.end('long enough password\n')
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  assert.equal(code, 0, out)
  const users = await loadUsers(usersFilePath(dir))
  assert.ok(users.ok)
  const ops = users.value.get('ops')
  assert.equal(ops?.role, 'readonly')
  assert.equal(await verifyPassword('long enough password', ops.passwordHash), true)
})
