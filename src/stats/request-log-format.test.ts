import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileLogFormat, DEFAULT_LOG_FORMAT } from './request-log-format.ts'
import type { LogLineFormatter } from './request-log-format.ts'
import { escapeLogValue, formatClfTime } from './request-log-escape.ts'
import type { RequestLogRecord } from './request-log-record.ts'

// 2000-10-10T13:55:36.250Z, the Apache documentation's example moment.
const START_MS = Date.UTC(2000, 9, 10, 13, 55, 36, 250)

function record(over: Partial<RequestLogRecord> = {}, reqHeaders: Record<string, string> = {},
  resHeaders: Record<string, string> = {}): RequestLogRecord {
  const req = new Map(Object.entries(reqHeaders))
  const res = new Map(Object.entries(resHeaders))
  return {
    clientIp: '192.0.2.10',
    remoteUser: null,
    startWallMs: START_MS,
    method: 'GET',
    target: '/a/b.html?x=1&y=2',
    httpVersion: 'HTTP/1.1',
    status: 200,
    bytesIn: 12,
    bytesOut: 2326,
    durationMs: 1.2345,
    nodeResponseMs: 0.75,
    node: '10.0.0.5:8080',
    pool: 'web',
    virtualServer: 'front',
    requestHeader: (name) => req.get(name),
    responseHeader: (name) => res.get(name),
    ...over,
  }
}

function compile(format: string): LogLineFormatter {
  const r = compileLogFormat(format)
  if (!r.ok) assert.fail(r.error)
  return r.value
}

test('every single-letter macro formats its field', () => {
  const r = record({ remoteUser: 'alice' })
  const cases: [string, string][] = [
    ['%h', '192.0.2.10'], ['%l', '-'], ['%u', 'alice'], ['%t', '[10/Oct/2000:13:55:36 +0000]'],
    ['%r', 'GET /a/b.html?x=1&y=2 HTTP/1.1'], ['%s', '200'], ['%>s', '200'], ['%b', '2326'],
    ['%B', '2326'], ['%I', '12'], ['%m', 'GET'], ['%U', '/a/b.html'], ['%q', '?x=1&y=2'],
    ['%H', 'HTTP/1.1'], ['%v', 'front'], ['%p', 'web'], ['%n', '10.0.0.5:8080'], ['%N', '10.0.0.5'],
    ['%T', '0.001'], ['%D', '1235'], ['%E', '0.750'], ['%{sec}t', '971186136'], ['%%', '%'],
  ]
  for (const [format, expected] of cases) assert.equal(compile(format)(r), expected, format)
})

test('absent values become "-" or empty as documented', () => {
  const r = record({ bytesOut: 0, target: '/plain', node: null, pool: null, nodeResponseMs: -1 })
  assert.equal(compile('%u|%b|%B|%q|%n|%N|%p|%E|%{Referer}i|%{X-Y}o')(r), '-|-|0||-|-|-|-|-|-')
  assert.equal(compile('%E')(record({ nodeResponseMs: Number.NaN })), '-')
})

test('headers are looked up by lower-case name, request and response separately', () => {
  const r = record({}, { referer: 'http://ref/', 'user-agent': 'curl/8' }, { 'content-type': 'text/html' })
  assert.equal(compile('"%{Referer}i" "%{USER-AGENT}i" %{Content-Type}o %{Content-Type}i')(r),
    '"http://ref/" "curl/8" text/html -')
})

test('the default format gives an Apache combined line', () => {
  const r = record({ remoteUser: 'frank' }, { referer: 'http://x/', 'user-agent': 'UA 1.0' })
  assert.equal(compile(DEFAULT_LOG_FORMAT)(r),
    '192.0.2.10 - frank [10/Oct/2000:13:55:36 +0000] "GET /a/b.html?x=1&y=2 HTTP/1.1" 200 2326 "http://x/" "UA 1.0"')
})

test('literal text around macros survives, including a format with no macros', () => {
  assert.equal(compile('a %s b %% c')(record()), 'a 200 b % c')
  assert.equal(compile('static')(record()), 'static')
  assert.equal(compile('')(record()), '')
})

test('%U handles absolute-form targets and IPv6 nodes keep only the address in %N', () => {
  const r = record({ target: 'http://example.com:81/p/q?z', node: '[2001:db8::5]:443' })
  assert.equal(compile('%U %q %N %n')(r), '/p/q ?z 2001:db8::5 [2001:db8::5]:443')
  assert.equal(compile('%U')(record({ target: 'https://example.com' })), '/')
})

test('%t follows the record time across seconds and days (cached per second)', () => {
  const f = compile('%t')
  assert.equal(f(record()), '[10/Oct/2000:13:55:36 +0000]')
  assert.equal(f(record({ startWallMs: START_MS + 750 })), '[10/Oct/2000:13:55:37 +0000]')
  assert.equal(f(record({ startWallMs: Date.UTC(2024, 0, 5, 3, 4, 5) })), '[05/Jan/2024:03:04:05 +0000]')
  assert.equal(formatClfTime(Number.NaN), '[-]')
})

test('hostile values cannot forge a line: quotes, newlines and control bytes are escaped', () => {
  const r = record(
    { target: '/x" 200 1 "-" "-"\n1.2.3.4 - - [forged]', method: 'G\tET', remoteUser: 'a"b\\c' },
    { 'user-agent': 'evil\r\n\u0000\u007f\u00e9\u2028' },
  )
  const line = compile('%u "%r" "%{User-Agent}i"')(r)
  assert.equal(line,
    'a\\"b\\\\c "G\\x09ET /x\\" 200 1 \\"-\\" \\"-\\"\\x0a1.2.3.4 - - [forged] HTTP/1.1" "evil\\x0d\\x0a\\x00\\x7f\\xe9\\u2028"')
  assert.ok(!/[\n\r]/.test(line))
  // Every quote left unescaped is one the format put there: two around %r, two around the header.
  assert.equal(line.replace(/\\./g, '').split('"').length - 1, 4)
})

test('escapeLogValue returns printable ASCII unchanged', () => {
  const s = 'Mozilla/5.0 (X11; Linux x86_64) ~!@#$%^&*()_+{}|:<>?[];\',./`'
  assert.equal(escapeLogValue(s), s)
  assert.equal(escapeLogValue(''), '')
})

test('invalid formats are errors that name the position', () => {
  const cases: [string, RegExp][] = [
    ['%h %Z', /unknown macro '%Z' at position 3/],
    ['ab %{Referer', /unterminated '%\{' at position 3/],
    ['%{Referer}x', /unknown macro '%\{Referer\}x' at position 0/],
    ['%{Referer}', /unknown macro '%\{Referer\}' at position 0/],
    ['x %{}i', /empty name .* at position 2/],
    ['%{foo}t', /unknown macro/],
    ['50%', /'%' at position 2 ends the format/],
    ['%>', /'%' at position 0 ends the format/],
  ]
  for (const [format, pattern] of cases) {
    const r = compileLogFormat(format)
    assert.equal(r.ok, false, format)
    assert.match(r.error, pattern, format)
  }
})

test('a compiled formatter is reusable and independent of other compilations', () => {
  const a = compile('%s %t')
  const b = compile('%s %t')
  const later = record({ status: 404, startWallMs: START_MS + 86_400_000 })
  assert.equal(a(later), '404 [11/Oct/2000:13:55:36 +0000]')
  assert.equal(b(record()), '200 [10/Oct/2000:13:55:36 +0000]')
  assert.equal(a(record()), '200 [10/Oct/2000:13:55:36 +0000]')
})
