import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { lex } from './lexer.ts'
import { parse } from './parser.ts'

test('lexer: strings, raw strings, numbers, variables, dotted names', () => {
  const t = lex(`$x = "a\\tb\\x41\\u00e9" . 'raw\\.x' . 0x2c . 3.5 . 1e3; string.len($x); # comment "ignored"`)
  const kinds = t.map((x) => `${x.kind}:${x.text}`)
  assert.deepEqual(kinds.slice(0, 4), ['var:x', 'punct:=', 'str:a\tbA\u00c3\u00a9', 'punct:.'])
  assert.equal(t[4]?.text, 'raw\\.x')
  assert.equal(t[6]?.num, 44)
  assert.equal(t[8]?.kind, 'dbl')
  assert.equal(t[10]?.kind, 'dbl')
  assert.equal(t.at(10)?.num, 1000)
  assert.equal(t[12]?.text, 'string.len')
  assert.equal(t[t.length - 1]?.kind, 'eof')
})

test('lexer: multi-line strings and continuation keep line numbers right', () => {
  const t = lex('"line1\nline2" "a\\\nb"\n$y')
  assert.equal(t[0]?.text, 'line1\nline2')
  assert.equal(t[1]?.text, 'ab')
  assert.equal(t[2]?.span.line, 4)
  assert.equal(t.at(2)?.span.col, 1)
})

test('lexer: errors are tokens with positions', () => {
  const t = lex('$x = "abc')
  const e = t.find((x) => x.kind === 'error')
  assert.ok(e)
  assert.match(e.text, /unterminated string/)
  assert.equal(e.span.col, 6)
  assert.equal(lex('@')[0]?.kind, 'error')
  assert.equal(lex('12abc')[0]?.kind, 'error')
})

test('parser: assignment binds to the nearest variable (real-world idioms)', () => {
  const r = parse('if( !$port = string.extractPort( $f ) ) {} if( $f && $h = string.extractHost( $f ) ) {} while( $d = f( $i ) ) {}')
  assert.deepEqual(r.diagnostics, [])
  const first = r.program.body[0]
  assert.ok(first?.kind === 'if')
  assert.equal(first.test.kind, 'unary')
  assert.equal((first.test as { operand: { kind: string } }).operand.kind, 'assign')
  const second = r.program.body[1]
  assert.ok(second?.kind === 'if' && second.test.kind === 'logical' && second.test.right.kind === 'assign')
})

test('parser: C-like precedence', () => {
  const r = parse('$x = 1 + 2 * 3 == 7 && 1 | 2 ^ 3 & 4;')
  assert.deepEqual(r.diagnostics, [])
  const st = r.program.body[0]
  assert.ok(st?.kind === 'expr' && st.expr.kind === 'assign')
  const v = st.expr.value
  assert.ok(v.kind === 'logical' && v.op === '&&')
  assert.ok(v.left.kind === 'binary' && v.left.op === '==')
  assert.ok(v.right.kind === 'binary' && v.right.op === '|')
})

test('parser: every error is reported, with line and column, and parsing continues', () => {
  const r = parse('$a = 1 +;\n$b = ;\nif ( ) {}\n$ok = 1;\nfoo;\n')
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.col]), [[1, 9], [2, 6], [3, 6], [5, 4]])
  assert.ok(r.program.body.some((s) => s.kind === 'expr' && s.expr.kind === 'assign' && s.expr.target.kind === 'var' && s.expr.target.name === 'ok'))
})

test('parser: statements of every kind', () => {
  const src = `
    sub f($a, $b) { return $a . $b; }
    import lib as L;
    import "my lib" as M;
    switch( $x, string.startsWith ) { case "a", "b": $y = 1; case "c": break; default: $y = 3; }
    foreach( $v in [1, 2] ) { continue; }
    for( $i = 0; $i < 3; $i++ ) $s .= $i;
    do { $n--; } while( $n > 0 );
    $h = [ "k" => [ "nested" ], 2 => 3 ];
    $t = $c ? 1 : 2;
    $h["k"][0] = 5;
    ++$n; $n--; $x <<= 2; $q = ~$x; $r = -$x; $z = -5;
    ;
  `
  const r = parse(src)
  assert.deepEqual(r.diagnostics, [])
  assert.deepEqual(r.program.body.map((s) => s.kind), ['sub', 'import', 'import', 'switch', 'foreach', 'for', 'do', 'expr', 'expr', 'expr', 'expr', 'expr', 'expr', 'expr', 'expr', 'expr', 'empty'])
})

test('parser: limits on depth and size are diagnostics, not crashes', () => {
  const deep = '$x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ';'
  const r = parse(deep)
  assert.equal(r.diagnostics.length, 1)
  assert.match(r.diagnostics[0]?.message ?? '', /nesting is too deep/)
  const big = parse('$x = 1;'.repeat(100), { maxSourceChars: 1000, maxAstNodes: 50, maxDepth: 100, maxCallArguments: 4 })
  assert.match(big.diagnostics[0]?.message ?? '', /too large/)
  const long = parse('x'.repeat(2000), { maxSourceChars: 1000, maxAstNodes: 50, maxDepth: 100, maxCallArguments: 4 })
  assert.match(long.diagnostics[0]?.message ?? '', /longer than/)
  const args = parse('f(1,2,3,4,5,6);', { maxSourceChars: 1000, maxAstNodes: 500, maxDepth: 100, maxCallArguments: 4 })
  assert.match(args.diagnostics[0]?.message ?? '', /too many arguments/)
})

test('parser: subs and imports only at top level', () => {
  assert.match(parse('if (1) { sub f() {} }').diagnostics[0]?.message ?? '', /top level/)
  assert.match(parse('while (1) { import x; }').diagnostics[0]?.message ?? '', /top level/)
})

const fragments = fc.constantFrom(
  '$x', '$1', '=', '==', '(', ')', '{', '}', '[', ']', ';', ',', '"s"', "'r'", '"unterminated', '1', '0x', '2.5',
  'if', 'else', 'while', 'for', 'foreach', 'in', 'switch', 'case', 'default', ':', 'sub', 'import', 'as', 'return',
  'break', 'continue', 'do', '!', '&&', '||', '.', '.=', '+', '-', '*', '?', '=>', 'string.len', 'f', '#c\n', '\n', ' ', '@', '$',
)

function checkResult(src: string): void {
  const lines = src.split('\n')
  const r = parse(src)
  for (const d of r.diagnostics) {
    assert.ok(d.line >= 1 && d.line <= lines.length + 1, `line ${d.line} in range`)
    assert.ok(d.col >= 1, 'column is positive')
    assert.ok(d.message.length > 0)
  }
}

test('fuzz: the parser never throws and always reports positions (random text)', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (src) => {
    checkResult(src)
  }), { numRuns: 500 })
})

test('fuzz: the parser never throws on token soup', () => {
  fc.assert(fc.property(fc.array(fragments, { maxLength: 80 }), (parts) => {
    const src = parts.join(' ')
    checkResult(src)
    // Something that is not a valid program must produce at least one error or parse cleanly; never neither.
    const r = parse(src)
    assert.ok(Array.isArray(r.diagnostics))
  }), { numRuns: 1000 })
})

test('lexer: escape edge cases', () => {
  const str = (src: string): string => {
    const t = lex(src)[0]
    assert.ok(t)
    return `${t.kind}:${t.text}`
  }
  assert.equal(str('"a\\\r\nb"'), 'str:ab')
  assert.equal(str('"\\0"'), 'str:\0')
  assert.equal(str('"\\012"'), 'str:\n')
  assert.equal(str('"\\q"'), 'str:q')
  assert.equal(str('"\\U0001F600"'), `str:${Buffer.from('\u{1F600}', 'utf8').toString('latin1')}`)
  assert.match(str('"\\xZZ"'), /^error:expected hex digits after \\x/)
  assert.match(str('"\\u12"'), /^error:expected 4 hex digits after \\u/)
  assert.match(str('"\\U110000AA"'), /^error:expected 8 hex digits/)
  assert.equal(str("'\\\\'"), 'str:\\\\')
  assert.match(str('$'), /^error:expected a variable name/)
  assert.match(str('0x'), /^error:expected hexadecimal digits/)
})

test('parser: a missing semicolon is reported at the end of its line, and the next statement is still checked', () => {
  const r = parse('$a = 1\n$b = ;\nlog.info("x")\n')
  assert.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), [
    "1:7 missing ';' after expression (the next line starts with variable $b)",
    "2:6 unexpected ';' in expression",
    "3:14 missing ';' after expression at the end of the rule",
  ])
})
