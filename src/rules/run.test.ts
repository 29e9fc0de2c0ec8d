import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkRules } from './check.ts'
import type { CheckOptions, CompiledRuleSet } from './check.ts'
import { formatRuleDiagnostic } from './diagnostic.ts'
import { Decision } from './host.ts'
import { runRule, runRules } from './run.ts'
import type { RunOutcome } from './run.ts'
import { FakeServices, FakeTransaction } from './testing/fake-host.ts'
import type { FakeRequest } from './testing/fake-host.ts'

function compile(rules: Record<string, string>, opts: CheckOptions = {}): CompiledRuleSet {
  const r = checkRules(new Map(Object.entries(rules)), opts)
  if (!r.ok) assert.fail(r.error.map((d) => formatRuleDiagnostic(d, rules[d.rule] ?? '')).join('\n'))
  return r.value
}

function run(src: string, req: FakeRequest = {}, max?: number) {
  const set = compile({ r: src })
  const services = new FakeServices()
  const view = new FakeTransaction(req)
  const decision = new Decision()
  const rule = set.rules.get('r')
  assert.ok(rule)
  const outcome = runRule(rule, { view, services, decision, phase: req.response ? 'RESPONSE' : 'REQUEST', ...(max === undefined ? {} : { maxInstructions: max }) })
  return { outcome, services, view, decision }
}

test('a rule without suspending calls runs synchronously', () => {
  const { outcome, services } = run('log.info(http.getPath());')
  assert.ok(!(outcome instanceof Promise))
  assert.equal(outcome.kind, 'completed')
  assert.deepEqual(services.logs, ['info: /'])
})

test('a rule that may suspend stays synchronous when the data is already there', () => {
  const { outcome, services } = run('log.info(http.getBody());', { method: 'POST', body: 'hello' })
  assert.ok(!(outcome instanceof Promise), 'body was in memory: no Promise')
  assert.deepEqual(services.logs, ['info: hello'])
})

test('a rule suspends on a Promise and resumes where it stopped', async () => {
  const src = `
    $n = 0;
    while( $n < 3 ) { $b = http.getBody(); $n++; log.info($n . ":" . $b); }
    foreach( $u in [ "http://a/", "http://b/" ] ) { $r = http.request.get($u); log.info($u . "=" . $1 . ":" . $r); }
    sub f($x) { connection.sleep(1); return $x . "!"; }
    log.info(f("s") . f("t"));
    switch( http.request.get("http://a/") ) { case "A": log.info("case A"); default: log.info("default"); }
    pool.use("web");
  `
  const set = compile({ r: src })
  const services = new FakeServices({ outbound: { 'http://a/': { body: 'A', status: 200 } } })
  const view = new FakeTransaction({ method: 'POST', body: 'xyz', bodyIsAsync: true })
  const decision = new Decision()
  const p = runRule(set.rules.get('r')!, { view, services, decision, phase: 'REQUEST' })
  assert.ok(p instanceof Promise)
  const o = await p
  assert.equal(o.kind, 'stopped')
  assert.deepEqual(services.logs, ['info: 1:xyz', 'info: 2:xyz', 'info: 3:xyz', 'info: http://a/=200:A', 'info: http://b/=0:', 'info: s!t!', 'info: case A'])
  assert.equal(decision.pool, 'web')
  assert.deepEqual(services.sleeps, [1, 1])
})

test('the instruction budget aborts runaway rules with an event', () => {
  const { outcome, services, decision } = run('$i = 0;\nwhile( 1 ) { $i++; }', {}, 1000)
  assert.ok(!(outcome instanceof Promise))
  assert.equal(outcome.kind, 'aborted')
  assert.deepEqual([outcome.reason, outcome.line], ['budget', 2])
  assert.match(services.events[0] ?? '', /^rules_ruleabort: rule r: line 2: instruction budget exceeded/)
  assert.deepEqual(decision.abortedRules, ['r'])
})

test('runaway recursion is a runtime error, not a crash', () => {
  const { outcome } = run('sub f($n) { return f($n + 1); }\nf(0);', {}, 10_000_000)
  assert.ok(!(outcome instanceof Promise))
  assert.equal(outcome.kind, 'aborted')
  assert.match(outcome.message, /nested more than/)
})

test('runtime errors name the rule and line', () => {
  const { outcome } = run('$a = 1;\n$b = $a / 0;\nlog.info("never");')
  assert.deepEqual(outcome, { kind: 'aborted', rule: 'r', reason: 'error', line: 2, message: 'division by zero' })
})

test('top-level break leaves the rule; later rules still run', () => {
  const set = compile({ a: 'log.info("a1"); if (1) break; log.info("a2");', b: 'log.info("b");' })
  const services = new FakeServices()
  const decision = new Decision()
  const o = runRules(set, ['a', 'b'], { view: new FakeTransaction(), services, decision, phase: 'REQUEST' })
  assert.ok(!(o instanceof Promise))
  assert.equal(o?.kind, 'completed')
  assert.deepEqual(services.logs, ['info: a1', 'info: b'])
})

test('pool.use ends request rules; pool.select continues', () => {
  const set = compile({ a: 'pool.select("web"); log.info("after select");', b: 'pool.use("web"); log.info("x");', c: 'log.info("c");' })
  const services = new FakeServices()
  const decision = new Decision()
  const o = runRules(set, ['a', 'b', 'c'], { view: new FakeTransaction(), services, decision, phase: 'REQUEST' }) as RunOutcome
  assert.equal(o.kind, 'stopped')
  assert.deepEqual(services.logs, ['info: after select'])
  assert.equal(decision.action, 'use-pool')
  assert.equal(decision.final, true)
  assert.deepEqual([...(set.rules.get('a')?.poolsUsed ?? [])], ['web'])
  const withSub = compile({ s: 'sub f() { pool.select("api"); } if (1) pool.use("web");' })
  assert.deepEqual([...(withSub.rules.get('s')?.poolsUsed ?? [])].sort(), ['api', 'web'])
})

test('check: unknown functions, arity, literal pool names, imports, deprecations — all at once', () => {
  const rules = new Map([
    ['r', 'import nolib;\nconection.setPersistenceKey("a");\nstring.len();\npool.use($p);\nhttp.getheadernames();\nL.x();\ncontinue;'],
  ])
  const r = checkRules(rules)
  assert.ok(!r.ok)
  const text = r.error.filter((d) => !d.message.includes('never assigned')).map((d) => formatRuleDiagnostic(d, rules.get('r') ?? ''))
  assert.equal(text[0], 'rule r: line 1, column 1: cannot import "nolib": there is no rule of that name\nimport nolib;\n^^^^^^^^^^^^^')
  assert.match(text[1] ?? '', /^rule r: line 2, column 1: unknown function conection\.setPersistenceKey \(did you mean connection\.setPersistenceKey\?\)/)
  assert.match(text[2] ?? '', /line 3, column 1: string\.len takes 1 argument, but 0 were given/)
  assert.match(text[3] ?? '', /line 4, column 10: pool\.use needs a literal pool name/)
  assert.match(text[4] ?? '', /line 5, column 1: warning: http\.getheadernames is deprecated, please use http\.listHeaderNames instead/)
  assert.match(text[5] ?? '', /line 6, column 1: unknown function L\.x/)
  assert.match(text[6] ?? '', /line 7, column 1: "continue" outside a loop/)
  assert.ok(checkRules(new Map([['r', 'pool.use($p);']]), { variablePoolUse: true }).ok)
})

test('check: warnings alone do not fail; unknown literal object names are errors', () => {
  const warned = checkRules(new Map([['r', 'http.getheadernames(); pool.use("web");']]), { knownPools: new Set(['web']) })
  assert.ok(warned.ok)
  assert.deepEqual(warned.value.warnings.map((w) => w.message), ['http.getheadernames is deprecated, please use http.listHeaderNames instead'])
  const source = 'pool.use("nope"); rate.use("r1"); response.setBandwidthClass("b1"); connection.setPersistenceClass("p1"); slm.isOK("s1"); pool.use("discard");'
  const known = new Map([['rate', new Set(['r0'])], ['bandwidth', new Set<string>()], ['persistence', new Set<string>()], ['service_level_monitors', new Set<string>()]])
  const r = checkRules(new Map([['r', source]]), { knownPools: new Set(['web']), knownObjects: known })
  assert.ok(!r.ok)
  // Functions of features not built yet also warn (item 8); errors and warnings come in source order.
  assert.deepEqual(r.error.map((d) => `${d.severity} ${String(d.col)} ${d.message}`), [
    'error 10 pool "nope" does not exist (no pools/nope in the configuration)',
    'error 28 rate class "r1" does not exist (no rate/r1 in the configuration)',
    'error 62 bandwidth class "b1" does not exist (no bandwidth/b1 in the configuration)',
    'error 100 persistence class "p1" does not exist (no persistence/p1 in the configuration)',
    'error 116 service level monitor "s1" does not exist (no service_level_monitors/s1 in the configuration)',
  ])
  // Without the list of objects nothing is an error, and every literal name is recorded.
  const open = compile({ r: source })
  assert.deepEqual([...(open.rules.get('r')?.objectsUsed ?? [])].map(([t, names]) => `${t}:${[...names].join(',')}`), [
    'pools:nope', 'rate:r1', 'bandwidth:b1', 'persistence:p1', 'service_level_monitors:s1',
  ])
})

test('run: a pool that does not exist at run time falls back to the default pool, with an event', () => {
  const set = compile({ r: '$p = "nope"; pool.use($p);' }, { variablePoolUse: true })
  const services = new FakeServices()
  const decision = new Decision()
  runRule(set.rules.get('r')!, { view: new FakeTransaction(), services, decision, phase: 'REQUEST' })
  assert.equal(decision.pool, null)
  assert.match(services.events.join('\n'), /rules_pooluseunknown/)
})

test('imports: subs from a library rule, with and without alias, case-insensitive', () => {
  const set = compile({ lib: 'sub twice($x) { return $x * 2; }', r: 'import lib; import lib as Q; log.info(lib.twice(2) . q.TWICE(3));' })
  const services = new FakeServices()
  runRule(set.rules.get('r')!, { view: new FakeTransaction(), services, decision: new Decision(), phase: 'REQUEST' })
  assert.deepEqual(services.logs, ['info: 46'])
})

test('a sync run allocates little (no Promise, no per-statement objects)', () => {
  const set = compile({ r: 'if( http.getHeader("Host") == "x" ) { pool.use("web"); } $a = http.getPath(); if( string.startsWith($a, "/") ) { $b = 1; }' })
  const rule = set.rules.get('r')!
  const services = new FakeServices()
  const view = new FakeTransaction()
  // Warm up, then compare heap growth over many runs against a generous bound per run.
  for (let i = 0; i < 2000; i++) runRule(rule, { view, services, decision: new Decision(), phase: 'REQUEST' })
  const before = process.memoryUsage().heapUsed
  const n = 5000
  for (let i = 0; i < n; i++) runRule(rule, { view, services, decision: new Decision(), phase: 'REQUEST' })
  const perRun = (process.memoryUsage().heapUsed - before) / n
  assert.ok(perRun < 4096, `heap growth per run ${perRun} bytes`)
})

test('fuzz: random well-formed programs check and run without throwing', async () => {
  const fc = (await import('fast-check')).default
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('$a', '$b', '$1', '0', '1', '-3', '2.5', '"x"', '"10xxx"', "'r\\.'", '[1, 2]', '[ "k" => 1 ]', '""'),
      fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '.', '==', '<', '&&', '||', '&', '<<'), tie('expr')).map(([l, o, r]) => `(${l} ${o} ${r})`),
      fc.tuple(fc.constantFrom('!', '-', '~'), tie('expr')).map(([o, e]) => `${o} ${e}`),
      fc.tuple(fc.constantFrom('$a', '$b'), fc.constantFrom('=', '.=', '+='), tie('expr')).map(([v, o, e]) => `(${v} ${o} ${e})`),
      fc.tuple(tie('expr'), tie('expr')).map(([t, i]) => `${t}[${i}]`),
      fc.tuple(fc.constantFrom('string.len', 'lang.dump', 'string.uppercase', 'lang.toInt', 'array.length', 'json.serialize', 'string.hexencode'), tie('expr')).map(([f, e]) => `${f}(${e})`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `string.regexmatch(${a}, ${b})`),
    ),
  }))
  const stmt = fc.oneof(
    expr.map((e) => `${e};`),
    fc.tuple(expr, expr).map(([c, e]) => `if( ${c} ) { ${e}; } else { break; }`),
    fc.tuple(expr, expr).map(([c, e]) => `while( ${c} ) { ${e}; }`),
    fc.tuple(expr, expr).map(([c, e]) => `foreach( $v in ${c} ) { ${e}; continue; }`),
    fc.tuple(expr, expr, expr).map(([s, c, e]) => `switch( ${s} ) { case ${c}: ${e}; default: log.info(${e}); }`),
  )
  const services = new FakeServices()
  await fc.assert(fc.asyncProperty(fc.array(stmt, { minLength: 1, maxLength: 6 }), async (stmts) => {
    const src = stmts.join('\n')
    const r = checkRules(new Map([['f', src]]))
    if (!r.ok) {
      // Only arity and regex problems may reject generated programs; never a syntax error.
      for (const d of r.error) assert.doesNotMatch(d.message, /unexpected|expected/, `${d.message}\n${src}`)
      return
    }
    const o = await runRule(r.value.rules.get('f')!, { view: new FakeTransaction(), services, decision: new Decision(), phase: 'REQUEST', maxInstructions: 500 })
    assert.ok(['completed', 'break', 'stopped', 'aborted'].includes(o.kind))
    if (o.kind === 'aborted') assert.ok(o.line >= 1 && o.message.length > 0, `${o.message} at ${o.line}`)
  }), { numRuns: 300 })
})

test('a defect in a library function becomes an aborted outcome, sync or async', async () => {
  const { FunctionRegistry } = await import('./registry.ts')
  const { LIBRARY_MODULES } = await import('./lib/index.ts')
  const registry = new FunctionRegistry([...LIBRARY_MODULES, {
    functions: {
      'test.boom': { min: 0, max: 0, fn: () => { throw new Error('boom') } },
      'test.reject': { min: 0, max: 0, suspends: true, fn: () => Promise.reject(new Error('nope')) },
    },
  }])
  const set = checkRules(new Map([['a', 'log.info("a");\ntest.boom();'], ['b', 'test.reject();\nlog.info("after");']]), { registry })
  assert.ok(set.ok)
  const services = new FakeServices()
  const env = { view: new FakeTransaction(), services, decision: new Decision(), phase: 'REQUEST' as const }
  const a = runRule(set.value.rules.get('a')!, env)
  assert.ok(!(a instanceof Promise))
  assert.deepEqual(a, { kind: 'aborted', rule: 'a', reason: 'error', line: 2, message: 'internal error: boom' })
  const b = await runRule(set.value.rules.get('b')!, env)
  assert.deepEqual(b, { kind: 'aborted', rule: 'b', reason: 'error', line: 1, message: 'test.reject failed: nope' })
  assert.deepEqual(services.logs, ['info: a'], 'an abort is one event, not also a log line')
  assert.deepEqual(services.events, ['rules_ruleabort: rule a: line 2: internal error: boom; rule aborted', 'rules_ruleabort: rule b: line 1: test.reject failed: nope; rule aborted'])
})

test('runRules continues after a suspended rule and stops at a final decision', async () => {
  const set = compile({
    lib: 'sub wait() { connection.sleep(1); return 1; } sub deeper() { return wait(); }',
    a: 'import lib; lib.deeper(); log.info("a");',
    b: 'log.info("b"); pool.use("web");',
    c: 'log.info("c");',
  })
  assert.equal(set.rules.get('a')?.maySuspend, true, 'suspension is found through imports and nested subs')
  assert.equal(set.rules.get('b')?.maySuspend, false)
  const services = new FakeServices()
  const decision = new Decision()
  const p = runRules(set, ['a', 'missing', 'b', 'c'], { view: new FakeTransaction(), services, decision, phase: 'REQUEST' })
  assert.ok(p instanceof Promise)
  const o = await p
  assert.equal(o?.kind, 'stopped')
  assert.deepEqual(services.logs, ['info: a', 'info: b'])
  assert.equal(await runRules(set, [], { view: new FakeTransaction(), services, decision: new Decision(), phase: 'REQUEST' }), null)
})

test('registry: case-insensitive lookup, suggestions, module names, bad aliases', async () => {
  const { FunctionRegistry } = await import('./registry.ts')
  const { defaultRegistry } = await import('./lib/index.ts')
  const r = defaultRegistry()
  assert.equal(r.lookup('HTTP.GETHEADER')?.def.name, 'http.getHeader')
  assert.equal(r.lookup('http.cookie')?.deprecatedFor, 'http.getCookie')
  assert.equal(r.suggest('http.getheder'), 'http.getHeader')
  assert.equal(r.suggest('completely.different.thing'), null)
  assert.ok(r.hasModule('HTTP.request'))
  assert.ok(!r.hasModule('nosuch'))
  assert.ok(r.names().includes('string.regexmatch'))
  assert.ok(r.names().length > 300, `${r.names().length} functions`)
  assert.throws(() => new FunctionRegistry([{ functions: {}, aliases: { x: { target: 'nope', deprecated: false } } }]), /unknown function nope/)
})

test('check: duplicate subs, subs named like built-ins, self-import, misplaced break', () => {
  const r = checkRules(new Map([['r', 'import r;\nsub f() {}\nsub F() {}\nsub chr($x) {}\nsub g() { break; }\n$1 = "x";\nforeach( $2 in [1] ) {}\n1 = 2;']]))
  assert.ok(!r.ok)
  assert.deepEqual(r.error.map((d) => `${d.line}: ${d.message}`), [
    '1: a rule cannot import itself',
    '3: sub F is declared twice',
    '4: sub chr has the name of a built-in function',
    '5: "break" outside a loop or switch',
    '7: $2 cannot be a loop variable',
    '8: expected \';\' after expression, found \'=\'',
  ])
})

test('concurrent suspended runs of one compiled rule do not share state', async () => {
  const set = compile({ r: 'sub tag($x) { connection.sleep(1); return $x . "-" . http.getPath(); }\n$a = [ http.getPath() ];\n$v = tag(http.getBody());\nforeach( $i in [1, 2] ) { connection.sleep(1); array.push($a, $i); }\nlog.info($v . " " . array.join($a, ",") . " " . $1);\nstring.regexmatch(http.getPath(), "(.*)");' })
  const rule = set.rules.get('r')!
  const services = new FakeServices()
  const runs = ['/one', '/two', '/three'].map((url, i) =>
    runRule(rule, { view: new FakeTransaction({ url, body: `b${i}`, bodyIsAsync: true }), services, decision: new Decision(), phase: 'REQUEST' }))
  const outcomes = await Promise.all(runs.map(async (r) => r))
  assert.deepEqual(outcomes.map((o) => o.kind), ['completed', 'completed', 'completed'])
  assert.deepEqual([...services.logs].sort(), ['info: b0-/one /one,1,2 ', 'info: b1-/two /two,1,2 ', 'info: b2-/three /three,1,2 '])
})

test('suspension is detected inside every construct of a sub', () => {
  const S = 'connection.sleep(1)'
  const shapes = [
    `[${S}]`, `[ "k" => ${S} ]`, `$a[${S}]`, `!${S}`, `${S} + 1`, `${S} && 1`, `${S} ? 1 : 2`, `$x = ${S}`, `f2(${S})`,
  ]
  const stmts = [
    ...shapes.map((e) => `${e};`),
    `if( ${S} ) {}`, `if( 1 ) {} else { ${S}; }`, `while( ${S} ) {}`, `do {} while( ${S} );`, `for( ${S};; ) {}`, `for( ; 0; ${S} ) {}`,
    `foreach( $v in ${S} ) {}`, `switch( ${S} ) {}`, `switch( 1 ) { case ${S}: }`, `switch( 1 ) { default: ${S}; }`, `return ${S};`, `{ ${S}; }`,
  ]
  for (const st of stmts) {
    const set = compile({ r: `sub f2($x) { return $x; }\nsub f() { ${st} }\nf();` })
    assert.equal(set.rules.get('r')?.maySuspend, true, st)
  }
  const plain = compile({ r: 'sub f() { $a = [1]; $a[0]++; if (1) { return -$a[0]; } switch (1, string.startsWith) { case "1": break; } }\nf();' })
  assert.equal(plain.rules.get('r')?.maySuspend, false)
})

test('wall time: an event after the warning time, an abort after the cap, clock read only every 1024 steps', () => {
  const set = compile({ r: '$i = 0;\nwhile( 1 ) { $i++; }' })
  let reads = 0
  const services = new FakeServices()
  Object.defineProperty(services, 'clock', { value: { nowMs: () => 0, monoMs: () => (reads++) * 100, hold: () => undefined, release: () => undefined, refresh: () => undefined } })
  const o = runRule(set.rules.get('r')!, { view: new FakeTransaction(), services, decision: new Decision(), phase: 'REQUEST', maxInstructions: 1_000_000, executionWarningMs: 500, maxRunMs: 1000 })
  assert.ok(!(o instanceof Promise) && o.kind === 'aborted')
  assert.equal(o.message, 'ran for more than 1000 ms without yielding')
  assert.equal(reads, 12)
  assert.deepEqual(services.events.filter((e) => e.startsWith('rules_executiontime')), ['rules_executiontime: rule r has run for more than 500 ms'])
  const short = compile({ q: 'for( $i = 0; $i < 1000; $i++ ) {}' })
  reads = 0
  runRule(short.rules.get('q')!, { view: new FakeTransaction(), services, decision: new Decision(), phase: 'REQUEST' })
  assert.equal(reads, 0)
})

test('syntaxCheck: one rule in its catalog, as valid/warnings/errors text', async () => {
  const { syntaxCheck } = await import('./syntax-check.ts')
  const catalog = new Map([['lib', 'sub f() { return 1; }'], ['broken', '$x = ;']])
  const good = syntaxCheck('r', 'import lib;\nlib.f();\nhttp.getheadernames();', catalog)
  assert.equal(good.valid, true)
  assert.equal(good.errors, '')
  assert.equal(good.warnings, 'rule r: line 3, column 1: warning: http.getheadernames is deprecated, please use http.listHeaderNames instead\nhttp.getheadernames();\n^^^^^^^^^^^^^^^^^^^^^')
  const bad = syntaxCheck('r', 'lib.g();\n$y = 1 +;', catalog)
  assert.equal(bad.valid, false)
  assert.deepEqual(bad.diagnostics.map((d) => d.line), [1, 2])
  assert.match(bad.errors, /^rule r: line 1, column 1: unknown function lib\.g/)
})

test('check: variables read but never assigned are warned about (typos)', () => {
  const r = checkRules(new Map([['r', '$host = http.getHostHeader();\nif( $hots == "a" ) {}\n$list .= "x"; $n++; array.push($arr, 1); $h["k"] = 1;\nforeach( $v in $arr ) { log.info($v . $1); }\nsub f($p) { return $p . $q; }']]))
  assert.ok(r.ok)
  assert.deepEqual(r.value.warnings.map((w) => `${w.line}:${w.col} ${w.message}`), [
    '2:5 variable $hots is never assigned, so it is always ""',
    '5:25 variable $q is never assigned, so it is always ""',
  ])
})

test('a call site reached again through recursion while evaluating its own arguments', () => {
  const { services } = run('sub f($n) { if( $n == 0 ) return "x"; return string.append($n, f($n - 1), $n); }\nlog.info(f(3) . " " . string.len(string.append("ab", string.append("c", "d"))));')
  assert.deepEqual(services.logs, ['info: 321x123 4'])
})

test('check: arity wording, imported rule without the sub, switch and import syntax errors, async index target', () => {
  const r = checkRules(new Map([
    ['lib', 'sub f() {}'],
    ['r', 'import lib;\nstring.append();\nlang.toArray(1);\nstring.find("a");\nlib.nope();\nswitch (1) { 5; }\nimport "with space";\n$a[http.getBody()] = 1;\narray.push();'],
  ]))
  assert.ok(!r.ok)
  // Lines 2 and 3 are fine: string.append and lang.toArray take any number of arguments.
  assert.deepEqual(r.error.filter((d) => d.rule === 'r').map((d) => `${d.line}: ${d.message}`), [
    '4: string.find takes 2 to 3 arguments, but 1 was given',
    '5: rule "lib" (imported as lib) has no sub named nope',
    '6: expected "case", "default" or \'}\' in switch, found number 5',
    '7: import of "with space" needs "as NAME", since the rule name is not a valid identifier',
    '8: a function that may suspend cannot be used in the index of an assignment target',
    '9: array.push takes at least 2 arguments, but 0 were given',
  ])
})

test('one Decision through request and response lists: pool.use ends the request list only', () => {
  const set = compile({ q1: 'pool.use("web");', q2: 'log.info("q2");', r1: 'log.info("r1"); http.setResponseHeader("X", "1");', r2: 'log.info("r2");' })
  const services = new FakeServices()
  const decision = new Decision()
  const req = runRules(set, ['q1', 'q2'], { view: new FakeTransaction(), services, decision, phase: 'REQUEST' })
  assert.equal((req as RunOutcome).kind, 'stopped')
  const view = new FakeTransaction({ response: { status: 200 } })
  const res = runRules(set, ['r1', 'r2'], { view, services, decision, phase: 'RESPONSE' })
  assert.equal((res as RunOutcome).kind, 'completed')
  assert.deepEqual(services.logs, ['info: r1', 'info: r2'])
  assert.equal(decision.pool, 'web')
  assert.equal(view.getResponseHeader('X'), '1')
})
