// End to end: the remote-desktop broker example (examples/rdp-broker) with its own rule and
// configuration files, real RDP connection-request packets, a directory service and desktops.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { App } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock } from '../../src/core/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { waitFor } from '../helpers/wait.ts'
import { startDesktop, type Desktop } from '../../examples/rdp-broker/desktops.ts'
import { startDirectory, type Directory } from '../../examples/rdp-broker/directory.ts'
import { connectionRequest } from '../../examples/rdp-broker/rdp-packet.ts'
import { boundPort } from '../helpers/bound-port.ts'

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'rdp-broker', 'config')
const USERS = ['alice', 'bob', 'carol', 'dave']

interface Broker {
  readonly app: App
  readonly port: number
  readonly desktops: ReadonlyMap<string, Desktop>
  readonly directory: Directory
}

/** The example's files, with test ports: the desktops, the directory and the virtual server. */
async function startBroker(t: TestContext, vsOverrides: Record<string, unknown> = {}): Promise<Broker> {
  const desktops = new Map<string, Desktop>()
  for (const user of USERS) {
    const d = await startDesktop(`${user}-pc`)
    onCleanup(t, () => d.close())
    desktops.set(user, d)
  }
  const directory = await startDirectory(new Map([...desktops].map(([user, d]) => [user, d.address])))
  onCleanup(t, () => directory.close())
  const files: Record<string, string> = {}
  for (const type of readdirSync(EXAMPLE)) {
    for (const name of readdirSync(join(EXAMPLE, type))) files[`${type}/${name}`] = readFileSync(join(EXAMPLE, type, name), 'utf8')
  }
  const rule = files['rules/rdp-broker'] ?? ''
  assert.ok(rule.includes('http://127.0.0.1:8500/desktop?user='))
  files['rules/rdp-broker'] = rule.replace('127.0.0.1:8500', `127.0.0.1:${String(directory.port)}`)
  const vs = JSON.parse(files['virtual_servers/rdp'] ?? '{}') as { properties: { basic: Record<string, unknown> } }
  Object.assign(vs.properties.basic, { port: 0, ...vsOverrides })
  files['virtual_servers/rdp'] = JSON.stringify(vs)
  files['pools/desktops'] = JSON.stringify({ properties: { basic: { nodes_table: [...desktops.values()].map((d) => ({ node: d.address })) } } })
  const config = loadConfigFromObjects(files)
  if (!config.ok) throw new Error(config.error.map(formatDiagnostic).join('\n'))
  const app = new App({ clock: systemClock, random: new SeededRandom(3), logger: memoryLogger() })
  onCleanup(t, () => app.stop(0))
  const applied = await app.apply(config.value)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
  return { app, port: boundPort(app, 'rdp'), desktops, directory }
}

interface Reply {
  /** The desktop's line after the X.224 Connection Confirm; '' when dropped. */
  readonly line: string
  readonly closed: boolean
  readonly ms: number
}

/** Sends `parts` (with `gapMs` between them) and reads until the connection closes. */
function session(port: number, parts: readonly Buffer[], gapMs = 0, limitMs = 4000): Promise<Reply> {
  return new Promise((resolve) => {
    const started = performance.now()
    const s = connect({ host: '127.0.0.1', port })
    let got = Buffer.alloc(0)
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ line: 'NOT CLOSED', closed: false, ms: performance.now() - started })
    }, limitMs)
    s.on('error', () => undefined)
    s.on('data', (c: Buffer) => (got = Buffer.concat([got, c])))
    s.on('close', () => {
      clearTimeout(timer)
      // A TPKT-framed X.224 Connection Confirm (11 bytes) comes first.
      const line = got[0] === 3 ? got.subarray(got.readUInt16BE(2)).toString('latin1').trim() : got.toString('latin1')
      resolve({ line, closed: true, ms: performance.now() - started })
    })
    let i = 0
    const next = () => {
      const part = parts[i++]
      if (part === undefined || s.destroyed) return
      s.write(part)
      setTimeout(next, gapMs)
    }
    next()
  })
}

function mapped(app: App): string[] {
  return app.events.list().filter((e) => e.category === 'rules' && e.name === 'rulelogmsginfo').map((e) => e.message)
}

test('every user lands on their own desktop, every time; unknown users are dropped; the mapping is logged', async (t) => {
  const b = await startBroker(t)
  for (let round = 0; round < 3; round++) {
    // Each round the users connect at once, in a different order.
    const order = round % 2 === 0 ? USERS : [...USERS].reverse()
    const replies = await Promise.all(order.map((u) => session(b.port, [connectionRequest(u, round !== 1)])))
    order.forEach((user, i) => {
      assert.equal(replies[i]?.line, `desktop ${user}-pc for ${user}`, `round ${String(round)}`)
    })
  }
  for (const [user, desktop] of b.desktops) assert.deepEqual(desktop.users, [user, user, user], `${user}-pc saw only ${user}`)
  for (const unknown of ['mallory', 'Alice', '']) {
    const r = await session(b.port, [connectionRequest(unknown)])
    assert.equal(r.closed, true)
    assert.equal(r.line, '', `${unknown} is dropped`)
  }
  for (const desktop of b.desktops.values()) assert.equal(desktop.users.length, 3, 'unknown users reached no desktop')
  const log = mapped(b.app)
  for (const user of USERS) {
    const address = b.desktops.get(user)?.address ?? ''
    assert.equal(log.filter((m) => m === `Mapped user ${user} to desktop ${address}`).length, 3, log.join('\n'))
  }
  assert.equal(log.filter((m) => m.includes('mallory')).length, 0)
  await waitFor(() => b.app.openConnections === 0, 'every connection to end')
})

test('a connection request split over several segments is still routed by its user', async (t) => {
  const b = await startBroker(t)
  const packet = connectionRequest('carol')
  const parts = [packet.subarray(0, 4), packet.subarray(4, 20), packet.subarray(20, 30), packet.subarray(30)]
  const r = await session(b.port, parts, 30)
  assert.equal(r.line, 'desktop carol-pc for carol')
})

test('bad input: garbage, silence and a stalled half packet are closed by the timeout; nothing leaks', async (t) => {
  const b = await startBroker(t, { connect_timeout: 1 })
  const packet = connectionRequest('alice')
  const cases: [string, Buffer[]][] = [
    ['silence', []],
    ['half a packet, then nothing', [packet.subarray(0, 18)]],
    ['garbage without a line end', [Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x7f, 0x80])]],
  ]
  const replies = await Promise.all(cases.map(([, parts]) => session(b.port, parts)))
  cases.forEach(([what], i) => {
    const r = replies[i]
    assert.equal(r?.closed, true, what)
    assert.equal(r.line, '', what)
    assert.ok(r.ms >= 900 && r.ms < 3000, `${what}: closed after ${String(Math.round(r.ms))} ms`)
  })
  // Garbage with a line end but no routing token is dropped at once, without asking the directory.
  const lookups = b.directory.lookups
  const junk = await session(b.port, [Buffer.from('GET / HTTP/1.0\r\n\r\n')])
  assert.equal(junk.line, '')
  assert.ok(junk.ms < 900, `dropped after ${String(Math.round(junk.ms))} ms`)
  assert.equal(b.directory.lookups, lookups)
  for (const desktop of b.desktops.values()) assert.equal(desktop.users.length, 0)
  await waitFor(() => b.app.openConnections === 0, 'every connection to end')
  for (const node of b.app.snapshot?.pools.get('desktops')?.nodes ?? []) assert.equal(node.status.activeConnections, 0)
  // The broker still works afterwards.
  assert.equal((await session(b.port, [packet])).line, 'desktop alice-pc for alice')
})

test("a user whose desktop is down is disconnected, never sent to someone else's desktop", async (t) => {
  const b = await startBroker(t)
  assert.equal((await session(b.port, [connectionRequest('bob')])).line, 'desktop bob-pc for bob')
  await b.desktops.get('bob')?.close()
  const r = await session(b.port, [connectionRequest('bob')])
  assert.equal(r.closed, true)
  assert.equal(r.line, '')
  for (const [user, desktop] of b.desktops) if (user !== 'bob') assert.equal(desktop.users.length, 0)
  assert.equal((await session(b.port, [connectionRequest('dave')])).line, 'desktop dave-pc for dave')
})
