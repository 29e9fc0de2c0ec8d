/**
 * Issue #11 item 7: a configuration directory rewritten every 60 ms (an orchestrator updating
 * node lists) is still reloaded while the writes go on; each change is live within 1 s. Files
 * written in place and files replaced atomically (a temporary file renamed over the object, as
 * orchestrators, editors, `git checkout` and the REST API do) are both seen, and so are
 * directories created after start.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startHttpNode } from '../helpers/nodes.ts'
import { startSluice } from './cli-harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'

const WRITE_EVERY_MS = 60
const WRITES = 50
const LIVE_WITHIN_MS = 1000

const poolDoc = (node: string, n: number) =>
  JSON.stringify({ properties: { basic: { note: `write ${String(n)}`, nodes_table: [{ node }] } } })

/** Writes `text` to `path` in place, or atomically through a hidden temporary file in the same directory. */
type Write = (path: string, text: string) => Promise<void>
const inPlace: Write = (path, text) => writeFile(path, text)
const atomically: Write = async (path, text) => {
  const tmp = join(path, '..', '.pool.tmp')
  await writeFile(tmp, text)
  await rename(tmp, path)
}

/** A new configuration directory with empty `virtual_servers/` and `pools/`, removed after the test. */
async function emptyConfigDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-watch-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'virtual_servers'))
  await mkdir(join(dir, 'pools'))
  return dir
}

for (const [how, write] of [['in place', inPlace], ['atomically (renamed over)', atomically]] as const) {
  test(`changes written ${how} are applied within 1 s while the directory is rewritten every 60 ms`, async (t) => {
    const a = await startHttpNode(t, 'a')
    const b = await startHttpNode(t, 'b')
    const dir = await emptyConfigDir(t)
    const vs = { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } }
    await writeFile(join(dir, 'virtual_servers', 'web'), JSON.stringify({ properties: vs }))
    await writeFile(join(dir, 'pools', 'p'), poolDoc(a.address, 0))
    const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
    t.after(() => sluice.stop('SIGKILL'))
    const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
    const url = `http://127.0.0.1:${String(port)}/`
    assert.equal(await (await fetch(url)).text(), 'a')

    // The writer: 50 rewrites, 60 ms apart; the node changes to b at write 15 and back to a at write 32.
    const state = { current: a.address, changedAtMs: 0, isWriting: true }
    const writer = (async () => {
      for (let i = 1; i <= WRITES; i++) {
        const next = i < 15 ? a.address : i < 32 ? b.address : a.address
        if (next !== state.current) {
          state.current = next
          state.changedAtMs = performance.now()
        }
        await write(join(dir, 'pools', 'p'), poolDoc(state.current, i))
        await new Promise((r) => setTimeout(r, WRITE_EVERY_MS))
      }
      state.isWriting = false
    })()

    // The reader: waits for each change to show in traffic, measuring how long it took.
    const delays: number[] = []
    for (const expected of ['b', 'a']) {
      const want = expected === 'b' ? b.address : a.address
      while (state.current !== want && state.isWriting) await new Promise((r) => setTimeout(r, 10))
      const start = state.changedAtMs
      let seen = ''
      for (let polls = 0; polls < 100 && seen !== expected; polls++) {
        seen = await (await fetch(url)).text()
        if (seen !== expected) await new Promise((r) => setTimeout(r, 25))
      }
      const delay = performance.now() - start
      assert.equal(seen, expected)
      assert.ok(state.isWriting, `the change to ${expected} was applied only after the writes stopped (${delay.toFixed(0)} ms)`)
      delays.push(delay)
    }
    await writer
    for (const d of delays) assert.ok(d < LIVE_WITHIN_MS, `a change took ${d.toFixed(0)} ms to be live: ${delays.join(', ')}`)
    assert.equal(await sluice.stop('SIGTERM'), 0)
  })
}

test('a directory created after start is watched too: a later edit of a file in it is applied', async (t) => {
  const a = await startHttpNode(t, 'a')
  const dir = await emptyConfigDir(t)
  const vs = (rules: string[]) =>
    JSON.stringify({
      properties: { basic: { enabled: true, port: 0, protocol: 'http', pool: 'p', request_rules: rules, listen_on_any: false, listen_on_hosts: ['127.0.0.1'] } },
    })
  await writeFile(join(dir, 'virtual_servers', 'web'), vs([]))
  await writeFile(join(dir, 'pools', 'p'), poolDoc(a.address, 0))
  const sluice = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => sluice.stop('SIGKILL'))
  const port = bannerPort(await sluice.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
  const url = `http://127.0.0.1:${String(port)}/`
  const answer = async (want: string) => {
    let seen = ''
    for (let polls = 0; polls < 80 && seen !== want; polls++) {
      seen = await (await fetch(url)).text()
      if (seen !== want) await new Promise((r) => setTimeout(r, 25))
    }
    return seen
  }
  assert.equal(await answer('a'), 'a')
  const rule = (text: string) => `http.sendResponse("200", "text/plain", "${text}", "");\n`
  await mkdir(join(dir, 'rules'))
  await writeFile(join(dir, 'rules', 'r'), rule('first'))
  await writeFile(join(dir, 'virtual_servers', 'web'), vs(['r']))
  assert.equal(await answer('first'), 'first')
  await writeFile(join(dir, 'rules', 'r'), rule('second'))
  assert.equal(await answer('second'), 'second', 'the edit in the new directory was applied')
  assert.equal(await sluice.stop('SIGTERM'), 0)
})
