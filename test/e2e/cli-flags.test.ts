/**
 * Issue #21 item 2: the command line people expect. `--version` and `-V`, `help COMMAND`,
 * `--help` on every command with its options and an example, exit codes, and `check --effective`.
 * Each test runs the real `sluice` command.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMMANDS } from '../../src/cli/index.ts'
import { writeConfigDir } from '../api/harness.ts'
import { selfSigned } from '../helpers/self-signed.ts'
import { ROOT } from './cli-harness.ts'

const MAIN = join(ROOT, 'src', 'cli', 'main.ts')
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** Runs `sluice ARGS` and keeps its two streams apart. */
async function sluice(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, stdout, stderr }
}

test('--version, -V and version print the package version and exit 0, whatever else is given', async () => {
  for (const args of [['--version'], ['-V'], ['version'], ['start', '--version'], ['check', '-V']]) {
    const r = await sluice(args)
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stdout, `sluice ${VERSION}\n`, args.join(' '))
  }
})

test('help COMMAND, COMMAND --help and COMMAND -h show every option, an example and the exit codes', async () => {
  for (const c of COMMANDS) {
    const words = c.name.split(' ')
    const shown = await Promise.all([sluice(['help', ...words]), sluice([...words, '--help']), sluice([...words, '-h'])])
    for (const r of shown) {
      assert.equal(r.code, 0, `${c.name}: ${r.stderr}`)
      assert.equal(r.stdout, shown[0].stdout, `${c.name}: the three ways print the same`)
      assert.match(r.stdout, new RegExp(`^Usage: sluice ${c.name}`))
      for (const o of c.options) assert.ok(r.stdout.includes(o.name), `${c.name} --help lists ${o.name}`)
      assert.match(r.stdout, /Examples?:\n {2}.*\bsluice /)
      assert.match(r.stdout, /Exit status:\n {2}0 /)
    }
  }
})

test('the overview lists every command and the exit codes; no command at all is a usage error', async () => {
  const help = await sluice(['--help'])
  assert.equal(help.code, 0)
  for (const c of COMMANDS) assert.ok(help.stdout.includes(`  ${c.name} `), `lists ${c.name}`)
  assert.match(help.stdout, /Exit status: 0 success; 1 .*; 2 wrong usage/s)
  assert.equal((await sluice(['help'])).stdout, help.stdout)
  const none = await sluice([])
  assert.equal(none.code, 2)
  assert.equal(none.stdout, '')
  assert.match(none.stderr, /Usage: sluice <command>/)
})

test('usage errors exit 2 and point to the help of the command', async () => {
  const cases: [readonly string[], RegExp][] = [
    [['check', '--config', '.', '--drain-seconds', '3'], /sluice check: unknown option --drain-seconds; run 'sluice help check'/],
    [['start', '--bogus'], /sluice start: unknown option --bogus/],
    [['start', '--log-level', 'loud'], /--log-level must be one of debug, info, warn, error/],
    [['start', '--log-format', 'xml'], /--log-format must be one of text, json/],
    [['check'], /--config DIR is required/],
    [['help', 'frobnicate'], /no command "frobnicate"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['rule', 'run'], /unknown command "rule run"/],
  ]
  for (const [args, message] of cases) {
    const r = await sluice(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
    assert.match(r.stderr, message)
  }
})

test('check --effective prints the configuration with every default filled in, as JSON alone on stdout', async (t) => {
  // Every stored certificate is checked, used or not, so the key pair must be a real one.
  const pair = selfSigned()
  if (pair === undefined) {
    t.skip('openssl is not available')
    return
  }
  const dir = await writeConfigDir(t, {
    'virtual_servers/web': { properties: { basic: { enabled: true, port: 8080, protocol: 'http', pool: 'p' } } },
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9001' }] } } },
    'ssl/server_keys/site': { properties: { basic: { public: pair.cert.toString(), private: pair.key.toString() } } },
    'rules/r': 'pool.use("p");\n',
  })
  const r = await sluice(['check', '--config', dir, '--effective'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /configuration OK/)
  const doc = JSON.parse(r.stdout) as Record<string, Record<string, { properties?: Record<string, Record<string, unknown>>; bytes?: number }>>
  const web = doc['virtual_servers']?.['web']?.properties
  assert.ok(web !== undefined, r.stdout)
  assert.equal(web['basic']?.['port'], 8080)
  assert.equal(web['connection']?.['timeout'], 300, 'a default the file does not give')
  assert.equal(doc['pools']?.['p']?.properties?.['load_balancing']?.['algorithm'], 'round_robin')
  assert.ok(doc['global_settings']?.['global_settings']?.properties !== undefined, 'global settings, all defaults')
  assert.equal(doc['ssl/server_keys']?.['site']?.properties?.['basic']?.['private'], '********', 'private keys are masked')
  assert.deepEqual(doc['rules']?.['r'], { bytes: 15 })
})

test('check --effective on an invalid configuration prints no JSON and exits 1', async (t) => {
  const dir = await writeConfigDir(t, { 'virtual_servers/web': { properties: { basic: { enabled: true, protocol: 'http' } } } })
  const r = await sluice(['check', '--config', dir, '--effective'])
  assert.equal(r.code, 1)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /basic\.port/)
})
