/**
 * The generations story on one machine (docs/generations.md): three versions of a shop (31, 32,
 * 33, each on a free port of 127.0.0.1) behind Sluice, whose virtual server listens on `--port` (default
 * 8080) and whose REST API listens on `--api-port` (default 9170, user "ops", password "generations
 * example").
 *
 *   node examples/generations/run.ts [--port 8080] [--api-port 9170] [--demo]
 *
 * With `--demo` it tells the story and stops: a user on 31 and a tester who sees 33; a deploy of
 * 32 while clients keep browsing (no request fails, no session changes generation); the old
 * sessions end, 31 drains and is reaped. Otherwise it runs until Ctrl-C.
 * @module
 */
import { writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { hashPassword, saveUser, usersFilePath } from '../../src/api/index.ts'
import { startSluice } from '../lib/start-sluice.ts'
import { startShop } from './app.ts'

const here = dirname(fileURLToPath(import.meta.url))
const USER = 'ops'
const PASSWORD = 'generations example'

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? fallback : Number(process.argv[at + 1])
}

/** A browser's session: its cookie jar. */
class Client {
  cookie = ''
  first = ''
  changed = 0
  failed = 0
  requests = 0

  async visit(url: string, headers: Record<string, string> = {}): Promise<string> {
    this.requests++
    try {
      const res = await fetch(url, { headers: { ...headers, ...(this.cookie === '' ? {} : { cookie: this.cookie }) } })
      const setCookie = res.headers.get('set-cookie')
      if (setCookie !== null) this.cookie = setCookie.split(';')[0] ?? ''
      const text = (await res.text()).trim()
      if (res.status !== 200) throw new Error(`status ${String(res.status)}`)
      const generation = text.split(' ')[1] ?? ''
      if (this.first === '') this.first = generation
      else if (generation !== this.first) this.changed++
      return text
    } catch {
      this.failed++
      return 'failed'
    }
  }
}

async function main(): Promise<void> {
  const port = option('port', 8080)
  const apiPort = option('api-port', 9170)
  const shops = await Promise.all(['31', '32', '33'].map(async (g) => [g, await startShop(g, 0)] as const))
  const sluice = await startSluice(join(here, 'config'), 'shop', port, ['--api', `127.0.0.1:${String(apiPort)}`, '--workers', '1'], async (copy) => {
    // Each generation's pool is its shop, wherever it listens.
    for (const [g, server] of shops) {
      const node = `127.0.0.1:${String((server.address() as AddressInfo).port)}`
      await writeFile(join(copy, 'pools', `shop-${g}`), JSON.stringify({ properties: { basic: { nodes_table: [{ node }] } } }))
    }
    const saved = await saveUser(usersFilePath(copy), { name: USER, role: 'admin', passwordHash: await hashPassword(PASSWORD) })
    if (!saved.ok) throw new Error(saved.error)
  })
  const stop = async () => {
    await sluice.stop()
    await Promise.all(shops.map(([, s]) => new Promise((r) => s.close(r))))
  }
  if (!process.argv.includes('--demo')) {
    process.once('SIGINT', () => void stop())
    return
  }
  const shop = `http://127.0.0.1:${String(port)}/`
  const api = `http://127.0.0.1:${String(apiPort)}/api/tm/8.3/status/local_tm/`
  const auth = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`, 'content-type': 'application/json' }
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(api + path, { method, headers: auth, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const say = (line: string) => {
    console.log(line)
  }
  say(`a new user:            ${await new Client().visit(shop)}`)
  say(`a tester (X-Tester: 33): ${await new Client().visit(shop, { 'X-Tester': '33' })}`)

  // Clients browse throughout: four begin before the deploy, four after.
  const clients: Client[] = []
  let browsing = true
  const browse = async (c: Client, until: () => boolean) => {
    for (let i = 0; i < 2000 && browsing && !until(); i++) {
      await c.visit(shop)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  let deployed = false
  const early = Array.from({ length: 4 }, () => new Client())
  clients.push(...early)
  const loops = early.map((c) => browse(c, () => deployed && Date.now() > oldUsersLeaveAt))
  let oldUsersLeaveAt = Number.MAX_SAFE_INTEGER
  await new Promise((r) => setTimeout(r, 1000))
  const deploy = await call('POST', 'generations/shop/deploy', { generation: '32' })
  say(`deploy 32: ${String(deploy.status)}, current ${String(deploy.body['current'])}, previous ${String(deploy.body['previous'])}`)
  deployed = true
  oldUsersLeaveAt = Date.now() + 1500
  const late = Array.from({ length: 4 }, () => new Client())
  clients.push(...late)
  loops.push(...late.map((c) => browse(c, () => false)))
  await new Promise((r) => setTimeout(r, 2000))
  browsing = false
  await Promise.all(loops)
  const requests = clients.reduce((n, c) => n + c.requests, 0)
  say(`browsing: ${String(requests)} requests by ${String(clients.length)} sessions; began on 31: ${String(early.filter((c) => c.first === '31').length)}, on 32: ${String(late.filter((c) => c.first === '32').length)}`)
  say(`failures: ${String(clients.reduce((n, c) => n + c.failed, 0))}`)
  say(`sessions that changed generation: ${String(clients.reduce((n, c) => n + c.changed, 0))}`)
  const refused = await call('POST', 'generations/shop/reap', { generation: '31' })
  const error = refused.body['error'] as Record<string, unknown> | undefined
  say(`reap 31 right away: ${String(refused.status)} ${typeof error?.['error_text'] === 'string' ? error['error_text'] : ''}`)
  // The old users have left; their sessions end after idle_timeout (3 s) and 31 drains.
  const deadline = Date.now() + 15_000
  let drained = false
  while (!drained && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500))
    const events = (await call('GET', 'events')).body['events'] as { category: string; name: string; objects: Record<string, string> }[]
    drained = events.some((e) => e.category === 'generations' && e.name === 'drained' && e.objects['generation'] === '31')
  }
  say(`31 drained: ${drained ? 'yes' : 'no'}`)
  const reaped = await call('POST', 'generations/shop/reap', { generation: '31' })
  say(`reap 31: ${String(reaped.status)}, sessions cut: ${String(reaped.body['sessions_cut'])}`)
  const states = (reaped.body['generations'] as { name: string; state: string }[]).map((g) => `${g.name} ${g.state}`).join(', ')
  say(`generations: ${states}`)
  await stop()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
