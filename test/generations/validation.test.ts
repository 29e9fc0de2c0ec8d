// Generations configuration (issue #19): mistakes are refused whole, naming the key and why.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Session, startGenerations, type Running } from './harness.ts'

async function refusal(run: Running, generations: Record<string, unknown>): Promise<string> {
  const res = await run.api('PUT', 'config/active/virtual_servers/app', { properties: { generations } })
  assert.equal(res.status, 400, res.text)
  return res.text
}

test('bad generations are refused with the key and the reason, and the running ones go on', async (t) => {
  const run = await startGenerations(t, [
    { name: '31', state: 'current' },
    { name: '32', state: 'testing' },
  ])
  const two = await refusal(run, { table: [{ name: '31', pool: 'gen-31', state: 'current' }, { name: '32', pool: 'gen-32', state: 'current' }] })
  assert.match(two, /generations\.table/)
  assert.match(two, /exactly one generation must be current; 2 are \(31, 32\)/)
  assert.match(await refusal(run, { table: [{ name: '31', pool: 'nowhere', state: 'current' }] }), /generation \\"31\\": no pool \\"nowhere\\"/)
  assert.match(await refusal(run, { table: [{ name: 'a.b', pool: 'gen-31', state: 'current' }] }), /a name has 1 to 64 letters/)
  assert.match(await refusal(run, { tester_addresses: ['10.0.0.0/40'] }), /generations\.tester_addresses.*10\.0\.0\.0\/40/s)
  assert.match(await refusal(run, { previous: '29' }), /no generation \\"29\\"/)
  assert.match(await refusal(run, { session: 'persistence_class', persistence_class: 'none' }), /no persistence class \\"none\\"/)
  assert.match(await refusal(run, { canary_percent: 101 }), /canary_percent/)
  const verb = await run.api('POST', 'status/local_tm/generations/app/explode')
  assert.equal(verb.status, 404)
  const noBody = await run.api('POST', 'status/local_tm/generations/app/reap')
  assert.equal(noBody.status, 400)
  assert.equal(await new Session().get(run.port()), '31', 'the running configuration is untouched')
})

test('the verbs need an admin; a virtual server without generations has none to show', async (t) => {
  const run = await startGenerations(t, [{ name: '1', state: 'current' }], {}, { files: { 'virtual_servers/plain': { properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'gen-1', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } } } } })
  const none = await run.api('GET', 'status/local_tm/generations/plain')
  assert.equal(none.status, 404)
  assert.match(none.text, /has no generations/)
  const res = await fetch(`${run.server.apiOrigin}/api/tm/8.3/status/local_tm/generations/app/deploy`, { method: 'POST' })
  assert.equal(res.status, 401)
})
