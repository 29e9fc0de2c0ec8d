// A member killed in the middle of a change (issue #16): the others hold either the whole
// change or none of it, and all agree; `sluice cluster status` shows the dead member gone.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { test } from 'node:test'
import { ADMIN, basic, writeConfigDir } from '../api/harness.ts'
import { hashPassword, saveUser, usersFilePath } from '../../src/api/index.ts'
import { ROOT } from '../e2e/cli-harness.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { startMember, redisMissing, startRedis, within, type Member } from './harness.ts'

async function pool(m: Member): Promise<string> {
  return JSON.stringify((await m.api('GET', 'config/active/pools/web')).body)
}

test('a member killed during changes leaves the others whole and agreeing', { skip: redisMissing() }, async (t) => {
  const redis = await startRedis(t)
  const files = { 'pools/web': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9' }] } } } }
  const b = await startMember(t, redis.url, 'b', files)
  const c = await startMember(t, redis.url, 'c', files)
  // Member a is a real `sluice start` process, so it can be killed outright; its API listens on
  // port 0 and the port is read back from the banner.
  const dir = await writeConfigDir(t, files)
  const saved = await saveUser(usersFilePath(dir), { name: ADMIN.user, role: 'admin', passwordHash: await hashPassword(ADMIN.password) })
  assert.ok(saved.ok)
  const child = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), 'start', '--config', dir, '--cluster', redis.url, '--member-name', 'a', '--api', '127.0.0.1:0', '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] })
  onCleanup(t, () => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let log = ''
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString()
      if (log.includes('press Ctrl-C')) resolve()
    })
    child.once('exit', () => {
      reject(new Error(log))
    })
  })
  const apiPort = Number(/REST API: http:\/\/127\.0\.0\.1:(\d+)\//.exec(log)?.[1])
  assert.ok(apiPort > 0, log)
  // Changes keep coming from a; a dies in the middle of them.
  const puts: Promise<unknown>[] = []
  for (let i = 0; i < 20; i++) {
    const nodes = Array.from({ length: 5 }, (_, k) => ({ node: `127.0.0.${String(k + 2)}:${String(1000 + i)}` }))
    puts.push(fetch(`http://127.0.0.1:${String(apiPort)}/api/tm/8.3/config/active/pools/web`, { method: 'PUT', headers: { authorization: basic(ADMIN.user, ADMIN.password), 'content-type': 'application/json' }, body: JSON.stringify({ properties: { basic: { nodes_table: nodes } } }) }).catch(() => undefined))
    if (i === 10) child.kill('SIGKILL')
    await new Promise((r) => setTimeout(r, 5))
  }
  await Promise.all(puts)
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
  await within(2000, 'b and c agree', async () => (await pool(b)) === (await pool(c)))
  // Whole: every node of one change (five, one port), never a mix of two.
  const table = ((JSON.parse(await pool(b)) as { properties: { basic: { nodes_table: { node: string }[] } } }).properties.basic.nodes_table).map((n) => n.node)
  const ports = new Set(table.map((n) => n.split(':')[1]))
  assert.ok(table.length === 1 || (table.length === 5 && ports.size === 1), `one whole change: ${table.join(', ')}`)
  const view = await within(8000, 'the cluster view shows a gone', async () => {
    const members = (await b.api('GET', 'status/local_tm/cluster')).body['members'] as Record<string, unknown>[]
    return members.find((m) => m['name'] === 'a')?.['alive'] === false
  })
  assert.ok(view >= 0)
  // The command line says so too, and exits 1 while a member is gone.
  const cli = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), 'cluster', 'status', '--api', b.server.apiOrigin, '--user', ADMIN.user], { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  cli.stdout.on('data', (d: Buffer) => (out += d.toString()))
  cli.stdin.end(`${ADMIN.password}\n`)
  const [code] = (await once(cli, 'exit')) as [number]
  assert.equal(code, 1, out)
  assert.match(out, /^a\s+gone/m)
  assert.match(out, /^b\s+in sync\s+test/m)
  assert.match(out, /^store redis:\/\/127\.0\.0\.1:\d+\/0: up/m)
})
