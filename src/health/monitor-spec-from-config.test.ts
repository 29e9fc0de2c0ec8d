import { test } from 'node:test'
import assert from 'node:assert/strict'
import { monitorSpecFromConfig } from './monitor-spec-from-config.ts'
import type { HealthDiagnostic } from './monitor-spec-from-config.ts'

function keysOf(diags: readonly HealthDiagnostic[]): string[] {
  return diags.map((d) => d.key).sort()
}

test('an http monitor gets vTM defaults converted to milliseconds', () => {
  const r = monitorSpecFromConfig('web', { basic: { type: 'http' } })
  assert.ok(r.ok)
  const s = r.value
  assert.equal(s.type, 'http')
  assert.equal(s.delayMs, 3000)
  assert.equal(s.timeoutMs, 3000)
  assert.equal(s.failures, 3)
  assert.equal(s.backOff, true)
  assert.equal(s.scope, 'pernode')
  assert.equal(s.path, '/')
  assert.equal(s.statusRegex.source, '^[234][0-9][0-9]$')
  assert.equal(s.bodyRegex, undefined)
  assert.equal(s.responseRegex.source, '.+')
  assert.equal(s.maxResponseLen, 2048)
  assert.equal(s.machine, undefined)
})

test('every key maps to its spec field', () => {
  const r = monitorSpecFromConfig('full', {
    basic: { type: 'tcp_transaction', delay: 5, timeout: 2, failures: 1, back_off: false, scope: 'poolwide',
      machine: 'db:5432', use_ssl: true, verbose: true, health_only: true, note: 'x', factory: false },
    http: { path: '/hc', host_header: 'example.com', status_regex: '^200$', body_regex: 'OK', authentication: 'u:p' },
    tcp: { write_string: 'PING\r\n', response_regex: '^\\+PONG', close_string: 'QUIT\r\n', max_response_len: 0 },
  })
  assert.ok(r.ok, JSON.stringify(r))
  const s = r.value
  assert.deepEqual(
    [s.delayMs, s.timeoutMs, s.failures, s.backOff, s.scope, s.machine, s.useSsl, s.verbose, s.healthOnly],
    [5000, 2000, 1, false, 'poolwide', 'db:5432', true, true, true],
  )
  assert.deepEqual([s.path, s.hostHeader, s.authentication, s.statusRegex.source, s.bodyRegex?.source],
    ['/hc', 'example.com', 'u:p', '^200$', 'OK'])
  assert.deepEqual([s.writeString, s.responseRegex.source, s.closeString, s.maxResponseLen],
    ['PING\r\n', '^\\+PONG', 'QUIT\r\n', 0])
})

test('program monitors resolve names in the scripts directory and read the arguments table', () => {
  const r = monitorSpecFromConfig('prog', {
    basic: { type: 'program' },
    script: { program: 'check.sh', arguments: [{ name: 'regex', value: 'up', description: 'd' }, { name: 'x', value: '' }] },
  }, { monitorScriptsDir: '/etc/sluice/monitors' })
  assert.ok(r.ok)
  assert.equal(r.value.program, '/etc/sluice/monitors/check.sh')
  assert.deepEqual(r.value.arguments, [{ name: 'regex', value: 'up' }, { name: 'x', value: '' }])

  const relative = monitorSpecFromConfig('prog', { basic: { type: 'program' }, script: { program: 'check.sh' } })
  assert.ok(!relative.ok)
  assert.deepEqual(keysOf(relative.error), ['script.program'])
})

test('all problems are reported at once, each naming object and key', () => {
  const r = monitorSpecFromConfig('bad', {
    basic: { type: 'http', delay: 0, timeout: 1.5, failures: 'three', back_off: 'yes', scope: 'global', colour: 1 },
    http: { path: 'hc', status_regex: '([', body_regex: '(a)\\1' },
    tcp: { max_response_len: -1 },
    script: { arguments: [{ name: '--bad', value: 'x' }] },
    mystery: {},
  })
  assert.ok(!r.ok)
  assert.ok(r.error.every((d) => d.object === 'monitors/bad' && d.message !== ''))
  assert.deepEqual(keysOf(r.error), [
    'basic.back_off', 'basic.colour', 'basic.delay', 'basic.failures', 'basic.scope', 'basic.timeout',
    'http.body_regex', 'http.path', 'http.status_regex', 'mystery', 'script.arguments[0].name',
    'tcp.max_response_len',
  ])
})

test('type defaults to ping; without a ping program that is a clear diagnostic', () => {
  const r = monitorSpecFromConfig('p', {}, { pingProgram: null })
  assert.ok(!r.ok)
  assert.equal(r.error.length, 1)
  assert.equal(r.error[0]?.key, 'basic.type')
  assert.match(r.error[0].message, /needs the system ping program.*use type 'connect'/)

  const found = monitorSpecFromConfig('p', {}, { pingProgram: '/usr/bin/ping' })
  assert.ok(found.ok)
  assert.equal(found.value.type, 'ping')
  assert.equal(found.value.pingProgram, '/usr/bin/ping')
})

test('poolwide needs a machine; ping machines take no port, others need one', () => {
  const none = monitorSpecFromConfig('m', { basic: { type: 'connect', scope: 'poolwide' } })
  assert.ok(!none.ok && none.error[0]?.key === 'basic.machine')
  const noPort = monitorSpecFromConfig('m', { basic: { type: 'connect', scope: 'poolwide', machine: 'db' } })
  assert.ok(!noPort.ok && noPort.error[0]?.key === 'basic.machine')
  const pingPort = monitorSpecFromConfig('m', { basic: { scope: 'poolwide', machine: 'db:1' } }, { pingProgram: '/bin/ping' })
  assert.ok(!pingPort.ok && pingPort.error[0]?.key === 'basic.machine')
  const pingHost = monitorSpecFromConfig('m', { basic: { scope: 'poolwide', machine: 'db' } }, { pingProgram: '/bin/ping' })
  assert.ok(pingHost.ok)
})

test('rtsp and sip are named as unsupported', () => {
  const r = monitorSpecFromConfig('s', { basic: { type: 'sip' } })
  assert.ok(!r.ok)
  assert.match(r.error[0]?.message ?? '', /not supported/)
})
