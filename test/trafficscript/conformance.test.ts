/**
 * Conformance suite: every test/trafficscript/conformance/*.zts file is a rule with its expectations in
 * `# directive: value` comment lines. Sections starting `#--- rule NAME` add more rules (libraries).
 *
 * Directives: `request:` / `services:` (JSON for the fake host), `phase:`, `expect: key=value`,
 * `expect-log:` (the exact, ordered list of log lines), `expect-event:`, `expect-warning:`,
 * `expect-check-error:` (the rule must fail the check with these messages), `expect-async:`.
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { Decision, checkRules, formatRuleDiagnostic, runRules } from '../../src/rules/index.ts'
import { toStr } from '../../src/rules/index.ts'
import type { RulePhase } from '../../src/rules/index.ts'
import { FakeServices, FakeTransaction } from '../../src/rules/testing/index.ts'
import type { FakeRequest, FakeServicesOptions } from '../../src/rules/testing/index.ts'

const DIR = join(import.meta.dirname, 'conformance')

interface Spec {
  readonly rules: Map<string, string>
  readonly main: string
  request: FakeRequest
  services: FakeServicesOptions
  phase: RulePhase
  readonly expect: [string, string][]
  readonly logs: string[]
  readonly events: string[]
  readonly warnings: string[]
  readonly checkErrors: string[]
  async: boolean | null
  hasLogExpectation: boolean
}

function parseSpec(file: string, text: string): Spec {
  const main = file.replace(/\.zts$/, '')
  const rules = new Map<string, string>()
  const sections = text.split(/^#--- rule (\S+)\s*$/m)
  rules.set(main, sections[0] ?? '')
  for (let i = 1; i + 1 < sections.length; i += 2) rules.set(sections[i] ?? '', sections[i + 1] ?? '')
  const spec: Spec = {
    rules, main, request: {}, services: {}, phase: 'REQUEST', expect: [], logs: [], events: [], warnings: [], checkErrors: [],
    async: null, hasLogExpectation: false,
  }
  for (const line of text.split('\n')) {
    const m = /^#\s*(request|services|phase|expect|expect-log|expect-event|expect-warning|expect-check-error|expect-async):\s?(.*)$/.exec(line)
    if (m === null) continue
    const [, key = '', value = ''] = m
    switch (key) {
      case 'request': spec.request = { ...spec.request, ...(JSON.parse(value) as FakeRequest) }; break
      case 'services': spec.services = { ...spec.services, ...(JSON.parse(value) as FakeServicesOptions) }; break
      case 'phase': spec.phase = value.trim() as RulePhase; break
      case 'expect': {
        const eq = value.indexOf('=')
        spec.expect.push([value.slice(0, eq).trim(), value.slice(eq + 1)])
        break
      }
      case 'expect-log': spec.logs.push(value); spec.hasLogExpectation = true; break
      case 'expect-event': spec.events.push(value); break
      case 'expect-warning': spec.warnings.push(value); break
      case 'expect-check-error': spec.checkErrors.push(value); break
      case 'expect-async': spec.async = value.trim() === 'true'; break
    }
  }
  return spec
}

function actual(key: string, d: Decision, view: FakeTransaction, outcome: string): string {
  if (key === 'outcome') return outcome
  if (key.startsWith('header.')) return view.getHeader(key.slice(7)) ?? '<absent>'
  if (key.startsWith('response.header.')) return view.getResponseHeader(key.slice(16)) ?? '<absent>'
  if (key.startsWith('generated.header.')) return d.response?.headers.find(([n]) => n.toLowerCase() === key.slice(17).toLowerCase())?.[1] ?? '<absent>'
  if (key.startsWith('setting.')) { const v = d.settings.get(key.slice(8)); return v === undefined ? '<absent>' : toStr(v) }
  switch (key) {
    case 'pool': return d.pool ?? '<default>'
    case 'poolTarget': return `${d.poolHost ?? ''}:${d.poolPort ?? ''}`
    case 'action': return d.action
    case 'final': return String(d.final)
    case 'status': return String(d.response?.status ?? '')
    case 'reason': return d.response?.reason ?? ''
    case 'body': return d.response?.body ?? ''
    case 'url': return view.url
    case 'method': return view.method
    case 'requestBody': return view.body
    case 'responseStatus': return String(view.responseStatus)
    case 'responseBody': return view.responseBody
    case 'persistenceKey': return d.persistenceKey ?? '<none>'
    case 'persistenceNode': return d.persistenceNode ?? '<none>'
    case 'persistenceClass': return d.persistenceClass ?? '<none>'
    case 'avoidNodes': return d.avoidNodes.join(',')
    case 'retry': return String(d.retry)
    case 'idempotent': return String(d.idempotent)
    case 'requestLog': return String(d.requestLog)
    case 'clientData': return d.clientData
    case 'addResponseHeaders': return d.addResponseHeaders.map(([n, v]) => `${n}: ${v}`).join('|')
    default: return `<unknown expectation ${key}>`
  }
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.zts')).sort()

test('the conformance suite is not empty', () => {
  assert.ok(files.length >= 20, `${files.length} files`)
})

for (const file of files) {
  test(`conformance: ${file}`, async () => {
    const spec = parseSpec(file, readFileSync(join(DIR, file), 'utf8'))
    const checked = checkRules(spec.rules, { knownPools: new Set(['web', 'api', 'static']) })
    if (spec.checkErrors.length > 0) {
      assert.ok(!checked.ok, 'the check must fail')
      const text = checked.error.map((d) => formatRuleDiagnostic(d, spec.rules.get(d.rule) ?? '')).join('\n')
      for (const e of spec.checkErrors) assert.ok(text.includes(e), `missing diagnostic ${JSON.stringify(e)} in:\n${text}`)
      return
    }
    if (!checked.ok) {
      assert.fail(checked.error.map((d) => formatRuleDiagnostic(d, spec.rules.get(d.rule) ?? '')).join('\n'))
    }
    const warnings = checked.value.warnings.map((w) => formatRuleDiagnostic(w, spec.rules.get(w.rule) ?? ''))
    for (const w of spec.warnings) assert.ok(warnings.some((x) => x.includes(w)), `missing warning ${w} in ${warnings.join('\n')}`)
    const services = new FakeServices({ pools: { web: { active: ['10.0.0.1:80', '10.0.0.2:80'], draining: ['10.0.0.3:80'] }, api: { active: ['10.1.0.1:8080'], failed: ['10.1.0.2:8080'] }, static: {} }, ...spec.services })
    const view = new FakeTransaction(spec.request)
    const decision = new Decision()
    const result = runRules(checked.value, [spec.main], { view, services, decision, phase: spec.phase })
    if (spec.async !== null) assert.equal(result instanceof Promise, spec.async, 'sync/async run')
    const outcome = await result
    const kind = outcome === null ? 'none' : outcome.kind === 'aborted' ? `aborted(${outcome.reason}) line ${outcome.line}: ${outcome.message}` : outcome.kind
    const wantOutcome = spec.expect.find(([k]) => k === 'outcome')?.[1] ?? 'completed'
    if (!kind.startsWith(wantOutcome)) assert.fail(`outcome ${kind}, expected ${wantOutcome}; logs:\n${services.logs.join('\n')}`)
    for (const [k, v] of spec.expect) if (k !== 'outcome') assert.equal(actual(k, decision, view, kind), v, `expect ${k}`)
    // Logged values are byte strings; expectations are written as UTF-8 text.
    if (spec.hasLogExpectation) assert.deepEqual(services.logs, spec.logs.map((l) => Buffer.from(l, 'utf8').toString('latin1')))
    for (const e of spec.events) assert.ok(services.events.some((x) => x.includes(e)), `missing event ${e} in ${services.events.join('\n')}`)
  })
}
