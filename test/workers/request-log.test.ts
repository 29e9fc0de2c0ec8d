// Several workers write one request log (issue #15): every worker appends whole lines to the same
// file, so the file holds one line per request, and no line is cut by another worker's write.
// The lines are long (a 3 KB field) so that each worker's 64 KiB buffer is written many times
// while the other worker writes too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { startHttpNode } from '../helpers/nodes.ts'
import { waitUntil } from '../helpers/wait.ts'
import { httpVs, once, poolDoc, startWorkers } from './workers-harness.ts'

const REQUESTS = 400
const PAD = 'p'.repeat(3000)

async function linesOf(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '')
  } catch {
    return []
  }
}

test('two workers write whole lines into one request log, one per request', async (t) => {
  const node = await startHttpNode(t, 'a')
  const log = { enabled: true, filename: '.sluice/logs/web.log', format: '%{X-Seq}i %{X-Pad}i %s end' }
  const run = await startWorkers(t, { 'pools/p': poolDoc([node.address]), 'virtual_servers/web': httpVs('p', { log }) })
  const port = run.port('web')

  // Twenty clients at a time, each request on a connection of its own so both workers serve.
  for (let from = 0; from < REQUESTS; from += 20) {
    const batch = []
    for (let i = from; i < from + 20; i++) batch.push(once(port, '/', { 'x-seq': String(i), 'x-pad': PAD }))
    for (const answer of await Promise.all(batch)) assert.equal(answer.status, 200)
  }
  const listed = await run.api('GET', '/api/tm/8.3/status/local_tm/workers')
  const workers = (listed.body as { workers: { accepted: number }[] }).workers
  assert.ok(workers.every((w) => w.accepted > 0), `both workers served: ${listed.text}`)

  // A line waits at most 5 s in memory before it is written.
  const file = path.join(run.dir, '.sluice/logs/web.log')
  let lines: string[] = []
  await waitUntil(async () => (lines = await linesOf(file)).length >= REQUESTS, `${String(REQUESTS)} log lines`, 10_000).catch(() => undefined)
  assert.equal(lines.length, REQUESTS)
  const seen = new Set<number>()
  for (const line of lines) {
    const m = /^(\d+) (p+) 200 end$/.exec(line)
    assert.ok(m !== null && m[2] === PAD, `a whole line: ${line.slice(0, 60)}…${line.slice(-20)}`)
    seen.add(Number(m[1]))
  }
  assert.equal(seen.size, REQUESTS, 'every request has its own line')
})
