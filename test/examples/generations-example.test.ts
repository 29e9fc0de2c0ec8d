// The generations example (issue #19): its demo tells the whole story with the real `sluice
// start`, and every step comes out as its README says.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT } from '../e2e/cli-harness.ts'
import { freePort } from '../helpers/nodes.ts'

test('examples/generations --demo: a tester sees 33, a deploy under load fails nothing and moves no session, 31 drains and is reaped', async () => {
  // The demo takes its ports on the command line, as its README shows.
  const port = await freePort()
  const apiPort = await freePort()
  const child = spawn(process.execPath, [join(ROOT, 'examples', 'generations', 'run.ts'), '--demo', '--port', String(port), '--api-port', String(apiPort)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let errors = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (errors += c.toString()))
  const timer = setTimeout(() => child.kill(), 60_000)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearTimeout(timer)
  assert.equal(code, 0, `${out}\n${errors}`)
  assert.match(out, /^a new user: +generation 31 /m)
  assert.match(out, /^a tester \(X-Tester: 33\): generation 33 /m)
  assert.match(out, /^deploy 32: 200, current 32, previous 31$/m)
  assert.match(out, /began on 31: 4, on 32: 4$/m)
  assert.match(out, /^failures: 0$/m)
  assert.match(out, /^sessions that changed generation: 0$/m)
  assert.match(out, /^reap 31 right away: 409 .*still has \d+ live sessions?/m)
  assert.match(out, /^31 drained: yes$/m)
  assert.match(out, /^reap 31: 200, sessions cut: 0$/m)
  assert.match(out, /^generations: 31 reaped, 32 current, 33 testing$/m)
})
