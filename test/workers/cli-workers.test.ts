// `sluice start --workers 2` as users run it (issue #15): the banner says how many workers run,
// SIGHUP reloads every worker, and SIGTERM lets in-flight requests on every worker finish.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startSluice } from '../e2e/cli-harness.ts'
import { writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { waitFor } from '../helpers/wait.ts'
import { httpVs, poolDoc } from './workers-harness.ts'

function once(port: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent: false, headers: { connection: 'close' } }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text })
        })
      })
      .on('error', reject)
  })
}

test('sluice start --workers 2: SIGHUP reloads every worker; SIGTERM finishes in-flight requests on both', async (t) => {
  const held: http.ServerResponse[] = []
  const slow = await startHttpNode(t, 'slow', (req, res) => {
    req.resume()
    held.push(res)
  })
  const fresh = await startHttpNode(t, 'fresh')
  const dir = await writeConfigDir(t, { 'pools/p': poolDoc([slow.address]), 'virtual_servers/web': httpVs('p') })
  const sluice = startSluice(['start', '--config', dir, '--api', 'off', '--workers', '2'])
  t.after(() => sluice.stop('SIGKILL'))
  const line = await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+/)
  assert.match(sluice.output(), /started \(pid \d+, 2 workers\)/)
  const port = Number(/:(\d+)\/?$/.exec(line)?.[1])

  // Many connections at once: both workers hold some of them at the slow node.
  const inFlight = Array.from({ length: 12 }, () => once(port))
  await waitFor(() => held.length === 12, 'twelve requests at the slow node', 5000)

  await writeFile(join(dir, 'pools/p'), JSON.stringify(poolDoc([fresh.address])))
  sluice.child.kill('SIGHUP')
  await sluice.waitFor(/configuration applied/)
  for (let i = 0; i < 20; i++) assert.equal((await once(port)).text, 'fresh', `request ${String(i)} after SIGHUP`)

  const stopped = sluice.stop('SIGTERM')
  await sluice.waitFor(/SIGTERM received/)
  for (const res of held) res.end('slow')
  for (const r of await Promise.all(inFlight)) assert.deepEqual(r, { status: 200, text: 'slow' })
  assert.equal(await stopped, 0)
})
