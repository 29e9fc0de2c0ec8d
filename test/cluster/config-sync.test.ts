// A cluster's one configuration (issue #16): a change on one member is live on the others
// within a second; concurrent changes conflict cleanly; members keep serving without the store.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { freePort, startHttpNode } from '../helpers/nodes.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { startMember, redisMissing, startRedis, vsOn, within, type Member } from './harness.ts'

async function note(m: Member): Promise<unknown> {
  const r = await m.api('GET', 'config/active/pools/web')
  return ((r.body['properties'] as Record<string, Record<string, unknown>> | undefined)?.['basic'] ?? {})['note']
}

test('a change on member A is live on B and C within a second, and the cluster view shows all three in sync', { skip: redisMissing() }, async (t) => {
  const redis = await startRedis(t)
  const node = await startHttpNode(t, 'n')
  // The members serve one port side by side, as on one host; it is picked here and given to all.
  const port = await freePort()
  const files = { 'pools/web': { properties: { basic: { nodes_table: [{ node: node.address }] } } }, 'virtual_servers/web': vsOn(port, 'web') }
  const a = await startMember(t, redis.url, 'a', files)
  const b = await startMember(t, redis.url, 'b', files)
  const c = await startMember(t, redis.url, 'c', files)
  const put = await a.api('PUT', 'config/active/pools/web', { properties: { basic: { note: 'from a' } } })
  assert.equal(put.status, 200, put.text)
  const took = await within(1000, 'the change reached b and c', async () => (await note(b)) === 'from a' && (await note(c)) === 'from a')
  assert.ok(took <= 1000)
  const view = await c.api('GET', 'status/local_tm/cluster')
  assert.equal(view.status, 200, view.text)
  const members = view.body['members'] as Record<string, unknown>[]
  assert.deepEqual(members.map((m) => m['name']), ['a', 'b', 'c'])
  await within(3000, 'every member reports the latest version', async () => {
    const v = await c.api('GET', 'status/local_tm/cluster')
    return (v.body['members'] as Record<string, unknown>[]).every((m) => m['in_sync'] === true)
  })
  const res = await fetch(`http://127.0.0.1:${String(port)}/`)
  assert.equal(res.status, 200, 'the members serve the shared port')
})

test('concurrent changes from two members: one wins, the other gets 409 and nothing of it stays', { skip: redisMissing() }, async (t) => {
  const redis = await startRedis(t)
  const files = { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } } }
  const a = await startMember(t, redis.url, 'a', files)
  const b = await startMember(t, redis.url, 'b', files)
  const bad = await a.api('PUT', 'config/active/traffic_ip_groups/front', { properties: { basic: { ipaddresses: ['10.0.0'] } } })
  assert.equal(bad.status, 400)
  assert.match(bad.text, /basic\.ipaddresses[\s\S]*\\"10\.0\.0\\" is not an IP address/)
  const [ra, rb] = await Promise.all([
    a.api('PUT', 'config/active/pools/web', { properties: { basic: { note: 'a' } } }),
    b.api('PUT', 'config/active/pools/web', { properties: { basic: { note: 'b' } } }),
  ])
  const statuses = [ra.status, rb.status].sort()
  if (statuses[0] === 200 && statuses[1] === 200) {
    // Serialised by chance (one finished before the other began): both landed, in order.
    await within(1000, 'both members agree', async () => (await note(a)) === (await note(b)))
    return
  }
  assert.deepEqual(statuses, [200, 409])
  const loser = ra.status === 409 ? ra : rb
  assert.match(loser.text, /another member changed the configuration first/)
  const winner = ra.status === 200 ? 'a' : 'b'
  await within(1000, 'both run the winner', async () => (await note(a)) === winner && (await note(b)) === winner)
})

test('without the store a member keeps serving and refuses changes; when it returns, the members resynchronise', { skip: redisMissing() }, async (t) => {
  const redis = await startRedis(t)
  const node = await startHttpNode(t, 'n')
  const port = await freePort()
  const files = { 'pools/web': { properties: { basic: { nodes_table: [{ node: node.address }] } } }, 'virtual_servers/web': vsOn(port, 'web') }
  const a = await startMember(t, redis.url, 'a', files)
  const b = await startMember(t, redis.url, 'b', files)
  assert.equal((await a.api('PUT', 'config/active/pools/web', { properties: { basic: { note: 'one' } } })).status, 200)
  await within(1000, 'b has it', async () => (await note(b)) === 'one')
  const versionBefore = (await a.api('GET', 'status/local_tm/cluster')).body['cluster_config_version']
  await redis.stop()
  await within(3000, 'a reports the store down', async () => {
    const s = await a.api('GET', 'status/local_tm/state')
    return JSON.stringify(s.body).includes('unreachable')
  })
  assert.equal((await fetch(`http://127.0.0.1:${String(port)}/`)).status, 200, 'traffic goes on')
  const refused = await a.api('PUT', 'config/active/pools/web', { properties: { basic: { note: 'two' } } })
  assert.equal(refused.status, 503)
  assert.match(refused.text, /unreachable/)
  const events = await a.api('GET', 'status/local_tm/events?category=cluster')
  assert.match(events.text, /redisdown/)
  await redis.start()
  await within(5000, 'a sees the store again', async () => (await a.api('GET', 'status/local_tm/cluster')).body['store'] !== undefined && ((await a.api('GET', 'status/local_tm/cluster')).body['store'] as Record<string, unknown>)['state'] === 'up')
  // Restarting the store lost nothing: the version written before is still there.
  assert.equal((await a.api('GET', 'status/local_tm/cluster')).body['cluster_config_version'], versionBefore)
  const after = await b.api('PUT', 'config/active/pools/web', { properties: { basic: { note: 'three' } } })
  assert.equal(after.status, 200, after.text)
  await within(1000, 'a has the change made on b after the store came back', async () => (await note(a)) === 'three')
  assert.match((await a.api('GET', 'status/local_tm/events?category=cluster')).text, /redisup/)
})

test('a version that a member cannot apply is reported by it (event, status) and leaves it on the version before', { skip: redisMissing() }, async (t) => {
  const pem = selfSigned()
  if (pem === undefined) {
    t.skip('openssl is missing')
    return
  }
  const redis = await startRedis(t)
  const files = { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } } }
  const a = await startMember(t, redis.url, 'a', files)
  const b = await startMember(t, redis.url, 'b', files)
  // The certificate is a file in a's own state directory (never shared), which b lacks.
  await writeFile(join(a.dir, '.sluice', 'site.pem'), pem.cert)
  await writeFile(join(a.dir, '.sluice', 'site.key'), pem.key)
  const put = await a.api('PUT', 'config/active/ssl/server_keys/site', { properties: { basic: { public_file: '.sluice/site.pem', private_file: '.sluice/site.key' } } })
  assert.equal(put.status, 201, put.text)
  await within(2000, 'b reports it cannot run the new version', async () => JSON.stringify((await b.api('GET', 'status/local_tm/state')).body).includes('cannot run here'))
  const events = await b.api('GET', 'status/local_tm/events?category=cluster&name=configfailed')
  assert.match(events.text, /site\.pem/, events.text)
  assert.equal((await b.api('GET', 'config/active/ssl/server_keys/site')).status, 404, 'b still runs (and holds) the version before')
  const view = await a.api('GET', 'status/local_tm/cluster')
  await within(3000, 'the cluster view shows b failing', async () => {
    const members = (await a.api('GET', 'status/local_tm/cluster')).body['members'] as Record<string, unknown>[]
    return typeof members.find((m) => m['name'] === 'b')?.['config_error'] === 'string'
  })
  assert.equal(view.status, 200)
})

test('a member started while the store is down serves its own directory, says so, and takes the cluster\'s version once the store is back', { skip: redisMissing() }, async (t) => {
  const redis = await startRedis(t)
  const files = { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } } }
  const a = await startMember(t, redis.url, 'a', files)
  assert.equal((await a.api('PUT', 'config/active/pools/web', { properties: { basic: { note: 'stored' } } })).status, 200)
  await redis.stop()
  const late = await startMember(t, redis.url, 'late', files)
  assert.match((await late.api('GET', 'status/local_tm/events?category=cluster')).text, /unreachable at start/)
  assert.equal(await note(late), '', 'its own directory, as it was')
  await redis.start()
  await within(5000, 'the late member takes the stored version', async () => (await note(late)) === 'stored')
})
