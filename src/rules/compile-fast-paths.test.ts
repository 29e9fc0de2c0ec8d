import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkRules } from './check.ts'
import { Decision } from './host.ts'
import { runRule } from './run.ts'
import { FakeServices, FakeTransaction } from './testing/fake-host.ts'

/** Runs `src` and returns what it logged. */
function logs(src: string): string[] {
  const r = checkRules(new Map([['r', src]]))
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error))
  const rule = r.value.rules.get('r')
  assert.ok(rule)
  const services = new FakeServices()
  const view = new FakeTransaction({ url: '/p?q=1', headers: [['Host', 'h'], ['X-One', '1']] })
  const o = runRule(rule, { view, services, decision: new Decision(), phase: 'REQUEST' })
  assert.ok(!(o instanceof Promise))
  assert.notEqual(o.kind, 'aborted', JSON.stringify(o))
  return services.logs
}

// Values of every kind, and literals of both kinds, compared with the literal fast paths and
// with the generic operator (a literal hidden in an expression), which must agree.
const VALUES = ['"1"', '"1.0"', '"01"', '""', '"abc"', '1', '0', '1.0', '0.0', '[1]', '[]', '[ "k" => 1 ]', 'http.getHeader("X-One")']
const LITERALS: readonly [string, string][] = [['"1"', '("1" . "")'], ['1', '(1 + 0)'], ['""', '("" . "")'], ['0', '(0 + 0)'], ['"abc"', '("ab" . "c")']]

test('== and != against a literal agree with the generic operator, either way round', () => {
  const lines: string[] = []
  for (const v of VALUES) {
    for (const [lit, generic] of LITERALS) {
      const forms = [
        `$v == ${lit}`, `${lit} == $v`, `$v != ${lit}`, `${lit} != $v`, `lang.dump($v) == lang.dump(${lit})`,
        `string.len($v) == ${lit}`, `$1 == ${lit}`,
      ]
      const generics = [
        `$v == ${generic}`, `${generic} == $v`, `$v != ${generic}`, `${generic} != $v`, `lang.dump($v) == lang.dump(${generic})`,
        `string.len($v) == ${generic}`, `$1 == ${generic}`,
      ]
      lines.push(`$v = ${v}; log.info(${forms.join(' . "," . ')}); log.info(${generics.join(' . "," . ')});`)
      // The same tests as conditions of if statements, with and without else.
      const ifs = (l: string): string =>
        `$r = ""; if( $v == ${l} ) $r .= "1"; else $r .= "0"; if( ${l} != $v ) $r .= "1"; ` +
        `if( string.len($v) != ${l} ) { $r .= "1"; } else { $r .= "0"; } if( $1 == ${l} ) $r .= "c"; log.info($r);`
      lines.push(`$v = ${v}; ${ifs(lit)} ${ifs(generic)}`)
    }
  }
  const out = logs(lines.join('\n'))
  assert.equal(out.length, VALUES.length * LITERALS.length * 4)
  for (let i = 0; i < out.length; i += 2) assert.equal(out[i], out[i + 1], lines[i / 2])
  assert.ok(out.includes('info: 10') && out.includes('info: 011'), 'both branches are taken')
  // A few by hand, so the agreement above cannot hide a shared mistake.
  assert.deepEqual(logs('$a = "1.0"; $b = 1; log.info(($a == 1) . ($a == "1") . ($b == "1") . ($b != 1) . ("" == $c));'), ['info: 10101'])
})

test('an if whose test halts the run takes neither branch', () => {
  assert.deepEqual(logs('if( pool.select("web") == "" ) log.info("then"); else log.info("else");\nlog.info("after");'), ['info: then', 'info: after'])
  const r = checkRules(new Map([['r', 'log.info("a");\nif( pool.use("web") != "x" ) log.info("then"); else log.info("else");\nlog.info("b");']]))
  assert.ok(r.ok)
  const services = new FakeServices()
  const o = runRule(r.value.rules.get('r')!, { view: new FakeTransaction(), services, decision: new Decision(), phase: 'REQUEST' })
  assert.ok(!(o instanceof Promise))
  assert.equal(o.kind, 'stopped')
  assert.deepEqual(services.logs, ['info: a'])
})

test('built-in calls read literal, variable, capture and expression arguments alike', () => {
  const out = logs(`
    $p = "/abc"; $n = 2;
    string.regexmatch("xyz", "(y)");
    log.info(string.startsWith($p, "/a") . string.startsWith("/abc", $p) . string.left($p, $n) . string.left($1, 1));
    log.info(string.substring($p, 1, $n) . string.substring(http.getPath(), $n - 1, 2) . string.len(string.append($p, $1, "!")));
    log.info(http.getHeader("x-one") . http.getHeader(string.lowercase("X-ONE")) . http.getMethod() . string.len($unset));
  `)
  assert.deepEqual(out, ['info: 11/ay', 'info: abp6', 'info: 11GET0'])
})

test('assignment statements store copies of compound values, and stop on a halt after storing', () => {
  const out = logs(`
    $a = [1, 2]; $b = $a; array.push($b, 3);
    $h = [ "k" => "v" ]; $g = $h; $g["k"] = "w";
    $s = string.split("x y", " "); $t = $s; array.push($t, "z");
    log.info(array.join($a, ",") . " " . array.join($b, ",") . " " . $h["k"] . $g["k"] . " " . array.length($s) . array.length($t));
    $r = pool.use("web");
    log.info("not reached");
  `)
  assert.deepEqual(out, ['info: 1,2 1,2,3 vw 23'])
})

test('built-ins with fixed forms answer the same through their general form', async () => {
  // An argument that may suspend compiles the call through `fn` instead of f0..f2.
  const calls = [
    'http.getHeader(A"x-one")', 'http.headerExists(A"X-One")', 'http.getCookie(A"a")', 'string.len(A"abc")',
    'string.lowercase(A"AbC")', 'string.uppercase(A"AbC")', 'string.contains(A"abc", "b")', 'string.containsI(A"ABC", "b")',
    'string.startsWith(A"abc", "a")', 'string.startsWithI(A"ABC", "a")', 'string.endsWith(A"abc", "c")', 'string.endsWithI(A"ABC", "c")',
    'connection.setPersistenceKey(A"k") . connection.getPersistence()',
  ]
  const direct = calls.map((c) => c.replace('A"', '"'))
  const general = calls.map((c) => c.replace('A"', 'connection.sleep(0) . "'))
  const src = (list: readonly string[]): string => `log.info(${list.join(' . "|" . ')});\nlog.info(http.getMethod() . http.getPath() . http.getQueryString() . http.getHostHeader() . request.getRemoteIP());`
  const run = async (text: string): Promise<{ logs: string[]; decision: Decision }> => {
    const r = checkRules(new Map([['r', text]]))
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error))
    const services = new FakeServices()
    const decision = new Decision()
    const view = new FakeTransaction({ url: '/p?q=1', headers: [['Host', 'H:1'], ['X-One', '1'], ['Cookie', 'a=b']] })
    const o = await runRule(r.value.rules.get('r')!, { view, services, decision, phase: 'REQUEST' })
    assert.equal(o.kind, 'completed')
    return { logs: services.logs, decision }
  }
  const a = await run(src(direct))
  const b = await run(src(general))
  assert.deepEqual(a.logs, b.logs)
  assert.deepEqual(a.logs, ['info: 1|1|b|3|abc|ABC|1|1|1|1|1|1|', 'info: GET/pq=1h192.0.2.10'])
  assert.equal(a.decision.persistenceKey, 'k')
  // pool.use with one argument (fixed form) and with a node (general form).
  const one = await run('pool.select("web");')
  const node = await run('pool.select("web", "10.0.0.1", 80);')
  assert.deepEqual([one.decision.pool, one.decision.poolHost, one.decision.poolPort], ['web', null, null])
  assert.deepEqual([node.decision.pool, node.decision.poolHost, node.decision.poolPort], ['web', '10.0.0.1', 80])
})

test('switch tries literal, variable, capture and expression case values in order', () => {
  const out = logs(`
    $a = "/b"; string.regexmatch("/c", "(.*)");
    foreach( $p in [ "/a", "/b", "/c", "/d/e", "/zz", "/y" ] ) {
      switch( $p ) { case "/a": log.info("lit " . $p); case $a, "/q": log.info("var " . $p); case $1: log.info("cap " . $p);
        case string.append("/d", "/e"): log.info("expr " . $p); default: log.info("default " . $p); }
      switch( $p, string.startsWith ) { case "/x", "/z": log.info("starts " . $p); case "/y": break; log.info("not reached"); }
    }
  `)
  assert.deepEqual(out, ['info: lit /a', 'info: var /b', 'info: cap /c', 'info: expr /d/e', 'info: default /zz', 'info: starts /zz', 'info: default /y'])
})

test('calls with more than three literal or variable arguments, called again, keep their results apart', () => {
  const out = logs(`
    $x = "2";
    foreach( $i in [ 1, 2 ] ) {
      $a = lang.toArray(1, $x, "3", $i); $b = lang.toArray("a", "b", "c", "d");
      log.info(array.join($a, ",") . " " . array.join($b, ",") . " " . string.append($x, "-", $i, "-", "e") . " " . string.sprintf("%s%s%s", $i, $x, "z"));
      $x = "5";
    }
    $h = lang.toHash("k", $x, "l", "m"); log.info($h["k"] . $h["l"]);
  `)
  assert.deepEqual(out, ['info: 1,2,3,1 a,b,c,d 2-1-e 12z', 'info: 1,5,3,2 a,b,c,d 5-2-e 25z', 'info: 5m'])
})

test('sub calls start with empty locals every time, recursion included, and copy compound arguments', () => {
  const out = logs(`
    sub f($n) { if( $seen != "" ) return "dirty"; $seen = "x"; if( $n > 0 ) return f($n - 1) . $n; return "clean"; }
    sub g($a) { array.push($a, 9); return array.length($a); }
    sub h($v) { return $v; }
    $x = [1];
    log.info(f(3) . " " . f(2) . " " . f(f(0) == "clean"));
    log.info(g($x) . g($x) . array.length($x) . " " . h(h("a") . h("b")));
    $r = h($x); array.push($r, 5); log.info(array.length($x) . array.length($r));
  `)
  assert.deepEqual(out, ['info: clean123 clean12 clean1', 'info: 221 ab', 'info: 12'])
})
