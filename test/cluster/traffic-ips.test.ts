// Traffic IP groups (issue #16): the cluster keeps an address raised on a live member and moves
// it to a survivor when that member dies. Each member runs in a network namespace of its own,
// joined to a client's namespace and to this one by a bridge, as machines on one LAN; the test
// makes them and removes them. It needs root (ip netns); otherwise it says so and skips.
import assert from 'node:assert/strict'
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { writeConfigDir } from '../api/harness.ts'
import { ROOT } from '../e2e/cli-harness.ts'
import { onCleanup } from '../helpers/cleanup.ts'
import { redisMissing, startRedis } from './harness.ts'

const run = promisify(execFile)
const NET = '10.213.0'
const TRAFFIC_IP = `${NET}.50`

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Why the namespaces cannot be made here, or undefined. */
function cannotNetns(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for ip netns'
  try {
    const probe = `stip-probe-${randomBytes(2).toString('hex')}`
    ip('netns', 'add', probe)
    ip('netns', 'del', probe)
    return undefined
  } catch (e: unknown) {
    return `ip netns is refused here: ${e instanceof Error ? e.message : String(e)}`
  }
}

const skip = cannotNetns()

/** A LAN: a bridge in namespace `lan`, this namespace on .254, and `names` joined to it on .1, .2, ... */
function makeLan(t: TestContext, tag: string, names: readonly string[]): string[] {
  const lan = `stip-${tag}-lan`
  const made: string[] = [lan]
  onCleanup(t, () => {
    for (const ns of made) {
      try {
        ip('netns', 'del', ns)
      } catch {
        // Already gone.
      }
    }
    try {
      ip('link', 'del', `st${tag}h`)
    } catch {
      // Went with its namespace.
    }
  })
  ip('netns', 'add', lan)
  ip('-n', lan, 'link', 'add', 'br0', 'type', 'bridge')
  ip('-n', lan, 'link', 'set', 'br0', 'up')
  // This namespace (the store and the nodes) on .254.
  ip('link', 'add', `st${tag}h`, 'type', 'veth', 'peer', 'name', 'p-host', 'netns', lan)
  ip('-n', lan, 'link', 'set', 'p-host', 'master', 'br0', 'up')
  ip('address', 'add', `${NET}.254/24`, 'dev', `st${tag}h`)
  ip('link', 'set', `st${tag}h`, 'up')
  const spaces: string[] = []
  names.forEach((name, i) => {
    const ns = `stip-${tag}-${name}`
    made.push(ns)
    spaces.push(ns)
    ip('netns', 'add', ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    ip('link', 'add', `st${tag}${String(i)}`, 'type', 'veth', 'peer', 'name', `p-${name}`, 'netns', lan)
    ip('link', 'set', `st${tag}${String(i)}`, 'netns', ns)
    ip('-n', ns, 'link', 'set', `st${tag}${String(i)}`, 'name', 'eth0')
    ip('-n', ns, 'address', 'add', `${NET}.${String(name === 'client' ? 100 : i + 1)}/24`, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    ip('-n', lan, 'link', 'set', `p-${name}`, 'master', 'br0', 'up')
  })
  return spaces
}

/** Whether namespace `ns` holds the traffic IP. */
function holds(ns: string): boolean {
  return ip('-n', ns, '-o', '-4', 'address', 'show', 'dev', 'eth0').includes(`${TRAFFIC_IP}/`)
}

async function until(limitMs: number, what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${String(limitMs)} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

test('a traffic IP is raised on one live member and moves to the survivor when that member dies', { skip: skip ?? redisMissing(), timeout: 60_000 }, async (t) => {
  const tag = randomBytes(2).toString('hex')
  const [m1, m2, client] = makeLan(t, tag, ['m1', 'm2', 'client']) as [string, string, string]
  const redis = await startRedis(t, `${NET}.254`)
  const node = http.createServer((req, res) => {
    req.resume()
    res.end('served')
  })
  await new Promise<void>((r) => node.listen(0, `${NET}.254`, r))
  onCleanup(t, () => new Promise((r) => node.close(r)))
  const nodePort = (node.address() as { port: number }).port
  const files = {
    'pools/web': { properties: { basic: { nodes_table: [{ node: `${NET}.254:${String(nodePort)}` }] } } },
    'virtual_servers/web': { properties: { basic: { enabled: true, port: 8080, protocol: 'http', pool: 'web', listen_on_any: true } } },
    'traffic_ip_groups/front': { properties: { basic: { ipaddresses: [TRAFFIC_IP], machines: ['m1', 'm2'] } } },
  }
  const members = new Map<string, ChildProcess>()
  for (const [name, ns] of [['m1', m1], ['m2', m2]] as const) {
    const dir = await writeConfigDir(t, files)
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, join(ROOT, 'src', 'cli', 'main.ts'), 'start', '--config', dir, '--cluster', redis.url, '--member-name', name, '--api', 'off', '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] })
    onCleanup(t, () => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    let log = ''
    child.stderr.on('data', (d: Buffer) => (log += d.toString()))
    await until(15_000, `${name} started`, () => log.includes('press Ctrl-C') || child.exitCode !== null)
    assert.equal(child.exitCode, null, log)
    members.set(name, child)
  }
  // Balanced over m1 and m2 (sorted): the one address goes to m1.
  await until(10_000, 'm1 raises the address', () => holds(m1))
  assert.equal(holds(m2), false, 'only one member holds it')
  // Asynchronously: the node answering is in this process.
  const get = async (): Promise<string> => {
    try {
      return (await run('ip', ['netns', 'exec', client, 'curl', '-sS', '--max-time', '2', `http://${TRAFFIC_IP}:8080/`], { encoding: 'utf8' })).stdout
    } catch (e: unknown) {
      return `curl failed: ${e instanceof Error ? e.message : String(e)}`
    }
  }
  assert.equal(await get(), 'served')
  // m1 dies as a machine does: its process and its link together.
  members.get('m1')?.kill('SIGKILL')
  if (members.get('m1')?.exitCode === null) await once(members.get('m1') as ChildProcess, 'exit')
  ip('-n', m1, 'link', 'set', 'eth0', 'down')
  // Its heartbeat expires after 5 s; m2 raises the address at its next look.
  await until(15_000, 'm2 raises the address', () => holds(m2))
  await until(5000, 'clients reach it through m2', async () => (await get()) === 'served')
})
