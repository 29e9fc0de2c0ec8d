// Issue #11 item 8: no rule function is a silent no-op. A function whose recorded choice the data
// plane never reads is marked `unsupported`, and every call to it gets a warning from the check.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Decision, checkRules, runRules } from './index.ts'
import type { RulePhase } from './index.ts'
import { defaultRegistry } from './lib/index.ts'
import { laterModule } from './lib/later.ts'
import { FakeServices, FakeTransaction } from './testing/index.ts'
import { toStr } from './value.ts'

/** Functions that record a choice nothing acts on yet (besides the whole of lib/later.ts). */
const UNSUPPORTED = [
  'http.setIdempotent',
  'request.endsAt',
  'request.retry',
  'request.setDSCP',
  'request.setIdempotent',
  'request.setMaxConnectionAttempts',
  'request.setMaxReplyTime',
  'request.setMaxTimedOutConnectionAttempts',
  'request.setMaxTransactionDuration',
  'request.setRemoteIP',
  'request.setToS',
  'request.setVirtualServerTimeout',
  'request.skip',
  'response.close',
  'response.flush',
  'response.setDSCP',
  'response.setToS',
]

/** Arguments that make a function record something (the default is `"1"` for each one). */
const ARGS: Readonly<Record<string, string>> = {
  'request.setRemoteIP': '"10.1.2.3"',
  'pool.use': '"web"',
  'pool.select': '"web"',
}

const SRC = join(import.meta.dirname, '..')

/** The data plane's source text: where a Decision is carried out. */
function dataPlaneSource(): string {
  let text = ''
  for (const dir of ['http', 'stream', 'persist']) {
    for (const f of readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' })) {
      if (f.endsWith('.ts') && !f.endsWith('.test.ts')) text += readFileSync(join(SRC, dir, f), 'utf8') + '\n'
    }
  }
  return text
}

/** Every part of a Decision, by name, as comparable text. */
function parts(d: Decision): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(d)) out.set(k, JSON.stringify(v))
  out.set('avoidNodes', JSON.stringify(d.avoidNodes))
  out.set('addResponseHeaders', JSON.stringify(d.addResponseHeaders))
  for (const [k, v] of d.settings) out.set(`settings:${k}`, toStr(v))
  return out
}

/** What a call with `args` changes in a fresh Decision, in the given phase. */
function recorded(name: string, args: string, phase: RulePhase): string[] {
  const checked = checkRules(new Map([['r', `${name}(${args});`]]), { knownPools: new Set(['web']) })
  if (!checked.ok) return []
  const decision = new Decision()
  const before = parts(decision)
  const view = new FakeTransaction({ method: 'GET', url: '/', headers: [['Host', 'h']], response: { status: 200 } })
  const services = new FakeServices({ pools: { web: { active: ['10.0.0.1:80'] } } })
  void runRules(checked.value, ['r'], { view, services, decision, phase })
  const after = parts(decision)
  return [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k)
}

function isReadBy(source: string, part: string): boolean {
  if (part.startsWith('settings:')) return source.includes(`'${part.slice(9)}'`)
  return new RegExp(`\\.${part}\\b`).test(source)
}

test('every function that records a choice the data plane never reads is marked unsupported', () => {
  const source = dataPlaneSource()
  const registry = defaultRegistry()
  const silent: string[] = []
  for (const name of registry.names()) {
    const def = registry.lookup(name)?.def
    if (def === undefined || def.suspends === true || def.unsupported !== undefined) continue
    // With the fewest arguments, and with every optional one but a known unsupported one.
    const most = Math.min(def.max, def.min + 3, def.unsupportedArg?.index ?? Infinity)
    const unread = [def.min, most].flatMap((n) => {
      const args = ARGS[name] ?? Array.from({ length: n }, () => '"1"').join(', ')
      return [...recorded(name, args, 'REQUEST'), ...recorded(name, args, 'RESPONSE')]
    }).filter((p) => !isReadBy(source, p))
    if (unread.length > 0) silent.push(`${name} records ${[...new Set(unread)].join(', ')}`)
  }
  assert.deepEqual(silent, [])
})

test('the functions marked unsupported are exactly the known list and lib/later.ts', () => {
  const registry = defaultRegistry()
  const marked = registry.names().filter((n) => registry.lookup(n)?.def.unsupported !== undefined).sort()
  const want = [...UNSUPPORTED, ...Object.keys(laterModule.functions)].sort()
  assert.deepEqual(marked, want)
})

test('every call to an unsupported function gets a warning at the call, and the rule still loads', () => {
  const registry = defaultRegistry()
  for (const name of [...UNSUPPORTED, ...Object.keys(laterModule.functions)]) {
    const def = registry.lookup(name)?.def
    assert.ok(def !== undefined, name)
    const args = ARGS[name] ?? Array.from({ length: def.min }, () => '"1"').join(', ')
    const text = `$x = 1;\n  ${name}(${args});\n`
    const checked = checkRules(new Map([['r', text]]), {})
    assert.ok(checked.ok, name)
    const w = checked.value.warnings.find((d) => d.message.startsWith(`${name} is not supported yet: `))
    assert.ok(w !== undefined, `${name}: no "not supported yet" warning in ${JSON.stringify(checked.value.warnings)}`)
    assert.deepEqual([w.severity, w.line, w.col, w.length], ['warning', 2, 3, `${name}(${args})`.length], name)
  }
})

test('an unsupported argument gets its own warning, only when it is passed', () => {
  const checked = checkRules(new Map([['r', 'if (1) connection.close("bye");\nconnection.close("bye", 0);']]), {})
  assert.ok(checked.ok)
  assert.deepEqual(checked.value.warnings.map((w) => [w.line, w.col, w.message]), [
    [2, 25, 'connection.close: argument 2 is not supported yet: the connection is always closed after the data, as with the default'],
  ])
})

test('the exact message for request.retry; the bandwidth class functions warn no more', () => {
  const checked = checkRules(new Map([['r', 'request.setBandwidthClass("slow");\nresponse.setBandwidthClass("slow");\nrequest.retry();']]), {})
  assert.ok(checked.ok)
  assert.deepEqual(checked.value.warnings.map((w) => `${String(w.line)}: ${w.message}`), [
    '3: request.retry is not supported yet: it ends the rule but the request is not sent again',
  ])
})
