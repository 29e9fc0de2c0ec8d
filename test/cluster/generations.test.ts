// Generations in a cluster (issues #16 and #19): a session begun through one member counts on
// every member, so `drained` and the reap refusal hold for the cluster, and its cookie is read
// by all of them.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Session } from '../generations/harness.ts'
import { freePort, startHttpNode } from '../helpers/nodes.ts'
import { redisMissing, startMember, startRedis, vsOn, within, type Member } from './harness.ts'

async function sessionsOf(m: Member, generation: string): Promise<number> {
  const rows = ((await m.api('GET', 'status/local_tm/generations/app')).body['generations'] ?? []) as Record<string, unknown>[]
  return Number(rows.find((r) => r['name'] === generation)?.['sessions'] ?? -1)
}

test('a session begun through one member keeps its generation and counts on every member', { skip: redisMissing() }, async (t) => {
  const redis = await startRedis(t)
  const n31 = await startHttpNode(t, '31')
  const n32 = await startHttpNode(t, '32')
  const port = await freePort()
  const files = {
    'pools/gen-31': { properties: { basic: { nodes_table: [{ node: n31.address }] } } },
    'pools/gen-32': { properties: { basic: { nodes_table: [{ node: n32.address }] } } },
    'virtual_servers/app': vsOn(port, 'gen-31', { generations: { table: [{ name: '31', pool: 'gen-31', state: 'current' }, { name: '32', pool: 'gen-32', state: 'testing' }] } }),
  }
  const a = await startMember(t, redis.url, 'a', files)
  const b = await startMember(t, redis.url, 'b', files)
  const user = new Session()
  assert.equal(await user.get(port), '31')
  await within(2000, 'both members count the session', async () => (await sessionsOf(a, '31')) === 1 && (await sessionsOf(b, '31')) === 1)
  assert.equal((await b.api('POST', 'status/local_tm/generations/app/deploy')).status, 200)
  for (let i = 0; i < 10; i++) assert.equal(await user.get(port), '31', 'whichever member a connection reaches')
  const refused = await a.api('POST', 'status/local_tm/generations/app/reap', { generation: '31' })
  assert.equal(refused.status, 409, 'the reap is refused on a member that did not start the session')
})
