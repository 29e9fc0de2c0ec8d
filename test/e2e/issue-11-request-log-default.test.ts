/**
 * Issue #11 item 10: turning on a request log with the default file name keeps the configuration
 * directory valid: the watcher reloads, the API accepts changes, and a restart starts. A log
 * file named inside the configuration directory, or one of Sluice's own state files, is refused
 * with the key and the reason.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { basic, writeConfigDir } from '../api/harness.ts'
import { startHttpNode } from '../helpers/nodes.ts'
import { runSluice, startSluice } from './cli-harness.ts'
import { bannerPort } from '../helpers/bound-port.ts'

const vsDoc = (port: number, log: Record<string, unknown>) => ({
  properties: {
    basic: { enabled: true, port, protocol: 'http', pool: 'p', listen_on_any: false, listen_on_hosts: ['127.0.0.1'] },
    log,
  },
})

/** Reads `path` once it exists and matches `re` (bounded: 80 tries, 100 ms apart; lines wait up to 5 s in memory). */
async function readWhen(path: string, re: RegExp): Promise<string> {
  let text = ''
  for (let i = 0; i < 80 && !re.test(text); i++) {
    text = await readFile(path, 'utf8').catch(() => '')
    if (!re.test(text)) await sleep(100)
  }
  return text
}

test('a request log with the default file name leaves reload, API changes and restart working', async (t) => {
  const node = await startHttpNode(t, 'n1')
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vsDoc(0, { enabled: true, format: '%r %s' }),
    'pools/p': { properties: { basic: { nodes_table: [{ node: node.address }] } } },
  })
  const first = startSluice(['start', '--config', dir, '--api', '127.0.0.1:0'])
  t.after(() => first.stop('SIGKILL'))
  const line = await first.waitFor(/REST API: http:\/\/127\.0\.0\.1:(\d+)\/api\/tm\//)
  const api = `http://127.0.0.1:${/:(\d+)\//.exec(line)?.[1] ?? ''}/api/tm/8.3/config/active`
  const created = await first.waitFor(/created user "admin" with password (\S+)/)
  const authorization = basic('admin', /with password (\S+)/.exec(created)?.[1] ?? '')
  const port = bannerPort(await first.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
  await first.waitFor(/press Ctrl-C/)
  assert.equal(await (await fetch(`http://127.0.0.1:${String(port)}/first`)).text(), 'n1')
  const log = join(dir, '.sluice', 'logs', 'web.log')
  assert.match(await readWhen(log, /GET \/first HTTP\/1\.1 200/), /GET \/first HTTP\/1\.1 200/, 'the log is in the state directory')

  // A change on disk is applied, not rejected.
  const pool = { properties: { basic: { note: 'edited', nodes_table: [{ node: node.address }] } } }
  await writeFile(join(dir, 'pools', 'p'), JSON.stringify(pool))
  await first.waitFor(/config\/confok/, 5000)
  assert.doesNotMatch(first.output(), /confrejected|unknown top-level directory/)

  // A change through the API is accepted.
  const put = await fetch(`${api}/pools/p`, {
    method: 'PUT',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ properties: { basic: { note: 'through the API' } } }),
  })
  assert.equal(put.status, 200, await put.text())
  assert.equal(await first.stop('SIGTERM'), 0)

  // The directory still checks clean, and a restart starts and serves.
  const check = await runSluice(['check', '--config', dir])
  assert.equal(check.code, 0, check.output)
  const second = startSluice(['start', '--config', dir, '--api', 'off'])
  t.after(() => second.stop('SIGKILL'))
  const secondPort = bannerPort(await second.waitFor(/listening: virtual server "web" on http:\/\/127\.0\.0\.1:\d+\//))
  await second.waitFor(/press Ctrl-C/)
  assert.equal(await (await fetch(`http://127.0.0.1:${String(secondPort)}/second`)).text(), 'n1')
  assert.equal(await second.stop('SIGTERM'), 0)
  assert.match(await readFile(log, 'utf8'), /GET \/second HTTP\/1\.1 200/, 'stopping flushes the log')
})

test('a log file named among the configuration objects is refused by check and start', async (t) => {
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': vsDoc(0, { enabled: true, filename: 'logs/%v.log' }),
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } },
  })
  const check = await runSluice(['check', '--config', dir])
  assert.equal(check.code, 1, check.output)
  assert.match(check.output, /virtual_servers\/web \(.*virtual_servers\/web\): log\.filename: the log file .*logs\/web\.log would be inside the configuration directory/)
  const start = await runSluice(['start', '--config', dir, '--api', 'off'])
  assert.equal(start.code, 1, start.output)
  assert.match(start.output, /log\.filename/)
})

test("a log file that is one of Sluice's own state files (API users, API settings, audit log) is refused", async (t) => {
  for (const filename of ['%zeushome%/users.json', '.sluice/api.json', '%zeushome%/audit.log']) {
    const dir = await writeConfigDir(t, {
      'virtual_servers/web': vsDoc(0, { enabled: true, filename }),
      'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } },
    })
    const check = await runSluice(['check', '--config', dir])
    assert.equal(check.code, 1, `${filename}: ${check.output}`)
    assert.match(check.output, /log\.filename: the log file .* is a file Sluice keeps its own state in/)
  }
})
