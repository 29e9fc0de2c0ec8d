import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkRules } from './check.ts'
import type { CompiledRule } from './check.ts'
import { Decision } from './host.ts'
import { runRule } from './run.ts'
import type { RunOutcome } from './run.ts'
import { FakeServices, FakeTransaction } from './testing/fake-host.ts'

function rule(src: string): CompiledRule {
  const r = checkRules(new Map([['r', src]]))
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error))
  const compiled = r.value.rules.get('r')
  assert.ok(compiled)
  return compiled
}

function runSync(r: CompiledRule, services: FakeServices, max?: number): RunOutcome {
  const o = runRule(r, {
    view: new FakeTransaction({ url: '/abc' }), services, decision: new Decision(), phase: 'REQUEST',
    ...(max === undefined ? {} : { maxInstructions: max }),
  })
  assert.ok(!(o instanceof Promise))
  return o
}

test('runs one after another start with empty variables, captures and return value', () => {
  const services = new FakeServices()
  const a = rule('log.info("x=" . $x . " 1=" . $1); $x = "set"; $y = [1, 2]; string.regexmatch(http.getPath(), "/(a)(b)");')
  // A rule with more variables than the one before it, and one with fewer.
  const b = rule('log.info("b=" . $p . $q . $r . $s . $t . $1); $p = 1; $q = 2; $r = 3; $s = 4; $t = 5;')
  const c = rule('sub f() { return "r"; }\nf();\nlog.info("c=" . $x);')
  for (let i = 0; i < 3; i++) {
    runSync(a, services)
    runSync(b, services)
    runSync(c, services)
  }
  assert.deepEqual(services.logs, Array.from({ length: 3 }, () => ['info: x= 1=', 'info: b=', 'info: c=']).flat())
})

test('the instruction budget, halt and abort state start afresh on every run', () => {
  const services = new FakeServices()
  const loop = rule('$i = 0;\nwhile( $i < 40 ) { $i++; }\nlog.info("done " . $i);')
  const stop = rule('pool.use("web");\nlog.info("not reached");')
  const bad = rule('$z = 1 / 0;')
  const seen: string[] = []
  for (let i = 0; i < 3; i++) {
    // Each run alone fits in 100 instructions; three runs together would not.
    seen.push(runSync(loop, services, 100).kind, runSync(stop, services).kind, runSync(bad, services).kind)
  }
  assert.deepEqual(seen, Array.from({ length: 3 }, () => ['completed', 'stopped', 'aborted']).flat())
  assert.deepEqual(services.logs.filter((l) => l.startsWith('info')), ['info: done 40', 'info: done 40', 'info: done 40'])
  const aborted = runSync(bad, services)
  assert.ok(aborted.kind === 'aborted')
  assert.deepEqual([aborted.line, aborted.message], [1, 'division by zero'])
})

test('a suspended run keeps its own state while synchronous runs come and go', async () => {
  const services = new FakeServices()
  const slow = rule('$v = "slow:" . http.getPath();\nconnection.sleep(1);\nlog.info($v . " " . $1);')
  const quick = rule('$v = "quick:" . http.getPath();\nstring.regexmatch("zz", "(z)");\nlog.info($v . " " . $1);')
  const pending = runRule(slow, { view: new FakeTransaction({ url: '/s' }), services, decision: new Decision(), phase: 'REQUEST' })
  assert.ok(pending instanceof Promise)
  runSync(quick, services)
  runSync(quick, services)
  assert.equal((await pending).kind, 'completed')
  runSync(quick, services)
  assert.deepEqual(services.logs, ['info: quick:/abc z', 'info: quick:/abc z', 'info: slow:/s ', 'info: quick:/abc z'])
})
