/**
 * Issue #21 item 1: the examples' READMEs run as written on a machine whose `node` is not 24.
 * Their commands go through `npx` (the repository's `sluice` and the Node 24 that `npm ci`
 * installed); these tests read the commands out of the READMEs and run them with the machine's
 * own `node` first on PATH.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { freePort } from '../helpers/nodes.ts'
import { ROOT } from '../e2e/cli-harness.ts'

const EXAMPLES = ['rdp-broker', 'utility-manager', 'soap-routing']

/** PATH without the repository's node_modules/.bin: the machine's `node` comes first, as for a user. */
const MACHINE_PATH = (process.env['PATH'] ?? '').split(delimiter).filter((d) => !d.startsWith(join(ROOT, 'node_modules'))).join(delimiter)
const machineNode = spawnSync('node', ['--version'], { env: { ...process.env, PATH: MACHINE_PATH }, encoding: 'utf8' })
const hasNpx = spawnSync('npx', ['--version'], { env: { ...process.env, PATH: MACHINE_PATH }, encoding: 'utf8' }).status === 0
const skip = hasNpx ? false : 'npx is not on PATH'

/** Every command line of the README's `sh` blocks (continuations joined). */
function readmeCommands(example: string): string[] {
  const text = readFileSync(join(ROOT, 'examples', example, 'README.md'), 'utf8')
  const commands: string[] = []
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = (block[1] ?? '').replace(/\\\n\s*/g, '')
    for (const line of joined.split('\n')) if (line.trim() !== '') commands.push(line.trim())
  }
  return commands
}

/** The words of a README command, without its trailing comment and `&`. */
function words(command: string): string[] {
  return command.replace(/\s+#.*$/, '').replace(/\s*&$/, '').split(/\s+/)
}

function run(t: TestContext, argv: readonly string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  // Its own process group: npx starts sluice, which may start Node 24; a kill reaches them all.
  const child = spawn(argv[0] ?? '', argv.slice(1), { cwd: ROOT, env: { ...process.env, PATH: MACHINE_PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr.on('data', (b: Buffer) => (out += b.toString()))
  t.after(() => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL')
    } catch {
      // The group has already exited.
    }
  })
  return Object.assign(child, { output: () => out })
}

async function waitForOutput(child: ReturnType<typeof run>, re: RegExp, limitMs = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const m = re.exec(child.output())
    if (m !== null) return m
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${String(re)} in:\n${child.output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

test(`the examples' commands run through npx, never a bare node (machine node: ${machineNode.stdout.trim() || 'none'})`, () => {
  for (const example of EXAMPLES) {
    const runs = readmeCommands(example).filter((c) => /\.ts\b/.test(c) || /^(npx )?(node|sluice)\b/.test(c))
    assert.ok(runs.length > 0, example)
    for (const c of runs) assert.match(c, /^npx (node|sluice) /, `${example}: ${c}`)
  }
})

test('rdp-broker: the demo command of the README runs and routes each user to their desktop', { skip }, async (t) => {
  const demo = readmeCommands('rdp-broker').find((c) => c.includes('--demo'))
  assert.ok(demo !== undefined)
  // The README's demo command names the port it runs Sluice on: one that is free now.
  const child = run(t, [...words(demo), '--port', String(await freePort())])
  const [code] = (await once(child, 'exit')) as [number | null]
  assert.equal(code, 0, child.output())
  assert.match(child.output(), /round 1: alice -> desktop alice-pc for alice/)
  assert.match(child.output(), /round 2: mallory -> \(connection dropped\)/)
})

test('soap-routing: the demo command of the README validates, routes and transforms', { skip }, async (t) => {
  const demo = readmeCommands('soap-routing').find((c) => c.includes('--demo'))
  assert.ok(demo !== undefined)
  // The README's demo command names the port it runs Sluice on: one that is free now.
  const child = run(t, [...words(demo), '--port', String(await freePort())])
  const [code] = (await once(child, 'exit')) as [number | null]
  assert.equal(code, 0, child.output())
  assert.match(child.output(), /GetQuote ABC -> 200 .*<q:Price>29\.80<\/q:Price><q:Currency>USD<\/q:Currency>/s)
  assert.match(child.output(), /CancelOrder \(no such operation\) -> 500 .*<faultcode>soap:Client<\/faultcode>/)
})

test('utility-manager: the README starts Sluice and the manager, which drains and moves a node', { skip }, async (t) => {
  const commands = readmeCommands('utility-manager')
  const copy = commands.find((c) => c.startsWith('cp -r '))
  const start = commands.find((c) => c.startsWith('npx sluice start'))
  const move = commands.find((c) => c.includes('--move'))
  assert.ok(copy !== undefined && start !== undefined && move !== undefined, commands.join('\n'))
  // The README's directory and ports, made private so the test runs beside others.
  const dir = await mkdtemp(join(tmpdir(), 'sluice-readme-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const conf = join(dir, 'sluice-conf')
  await cp(join(ROOT, 'examples', 'quickstart', 'config'), conf, { recursive: true })
  const vsFile = join(conf, 'virtual_servers', 'demo')
  const vs = JSON.parse(await readFile(vsFile, 'utf8')) as { properties: { basic: { port: number } } }
  vs.properties.basic.port = 0
  await writeFile(vsFile, JSON.stringify(vs))
  // Port 0 for the API too: the banner says which port it got.
  const sluice = run(t, [...words(start).map((w) => (w === '/tmp/sluice-conf' ? conf : w)), '--api', '127.0.0.1:0'])
  const apiPort = Number((await waitForOutput(sluice, /REST API: http:\/\/127\.0\.0\.1:(\d+)\/api\/tm\//))[1])
  const password = (await waitForOutput(sluice, /created user "admin" with password (\S+)/))[1] ?? ''
  await waitForOutput(sluice, /press Ctrl-C/)
  const argv = words(move).map((w) => w.replace('127.0.0.1:9070', `127.0.0.1:${String(apiPort)}`))
  const manager = run(t, argv, { SLUICE_USER: 'admin', SLUICE_PASSWORD: password })
  const [code] = (await once(manager, 'exit')) as [number | null]
  assert.equal(code, 0, manager.output())
  assert.match(manager.output(), /moving 127\.0\.0\.1:9001/)
  // Ctrl-C in a terminal signals the whole foreground group: npx, sluice and its Node 24 alike.
  // (npm itself dies of the signal; Sluice stops cleanly.)
  process.kill(-(sluice.pid ?? 0), 'SIGTERM')
  await waitForOutput(sluice, /INFO stopped\n/)
})
