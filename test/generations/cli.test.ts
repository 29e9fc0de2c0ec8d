// `sluice generation status|deploy|rollback|reap|canary` (issue #19): the real command drives a
// running Sluice's generations through its REST API, with the password on standard input.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runSluiceWithInput } from '../e2e/cli-harness.ts'
import { ADMIN } from '../api/harness.ts'
import { Session, startGenerations } from './harness.ts'

const sluice = runSluiceWithInput

test('sluice generation deploys, shows, rolls back and reaps; refusals exit 1 with the reason', async (t) => {
  const run = await startGenerations(t, [
    { name: '31', state: 'current' },
    { name: '32', state: 'testing' },
  ])
  const user = new Session()
  assert.equal(await user.get(run.port()), '31')
  const common = (verb: string, ...words: string[]) => ['generation', verb, ...words, '--api', run.server.apiOrigin, '--user', ADMIN.user]
  const pw = `${ADMIN.password}\n`
  const deployed = await sluice(common('deploy', 'app', '32'), pw)
  assert.equal(deployed.code, 0, deployed.output)
  assert.match(deployed.output, /current 32, previous 31/)
  const status = await sluice(common('status', 'app'), pw)
  assert.equal(status.code, 0, status.output)
  assert.match(status.output, /^31\s+draining\s+gen-31\s+1\s/m)
  assert.match(status.output, /^32\s+current\s+gen-32\s+0\s/m)
  const refused = await sluice(common('reap', 'app', '31'), pw)
  assert.equal(refused.code, 1)
  assert.match(refused.output, /409: virtual_server "app": generation "31" still has 1 live session/)
  const back = await sluice(common('rollback', 'app'), pw)
  assert.equal(back.code, 0, back.output)
  assert.match(back.output, /current 31, previous 32/)
  // One virtual server has generations: it may be left out.
  const short = await sluice(common('status'), pw)
  assert.equal(short.code, 0, short.output)
  assert.match(short.output, /^virtual server app: current 31/m)
  const forced = await sluice([...common('reap', '32'), '--force'], pw)
  assert.equal(forced.code, 0, forced.output)
  assert.match(forced.output, /reaped 32; sessions cut: 0/)
  const wrong = await sluice(common('status', 'app'), 'not the password\n')
  assert.equal(wrong.code, 1)
  const usage = await sluice(['generation', 'reap', '--user', 'x'], pw)
  assert.equal(usage.code, 2)
  assert.match(usage.output, /name the GENERATION to reap/)
  const unknown = await sluice(common('reap', 'shop', '32'), pw)
  assert.equal(unknown.code, 1)
  assert.match(unknown.output, /no virtual server "shop" has generations \(these have: app\)/)
})
