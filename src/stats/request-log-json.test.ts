import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatJsonRecord } from './request-log-json.ts'
import type { RequestLogRecord } from './request-log-record.ts'

function record(over: Partial<RequestLogRecord>, headers: Record<string, string>): RequestLogRecord {
  const h = new Map(Object.entries(headers))
  return {
    clientIp: '198.51.100.4', remoteUser: null, startWallMs: Date.UTC(2025, 2, 1, 12, 0, 0, 5),
    method: 'POST', target: '/api?q=1', httpVersion: 'HTTP/1.1', status: 201, bytesIn: 50,
    bytesOut: 100, durationMs: 2.00049, nodeResponseMs: 1.5, node: '10.1.1.1:80', pool: 'api',
    virtualServer: 'vs1', requestHeader: (n) => h.get(n), responseHeader: (n) => h.get('res:' + n),
    ...over,
  }
}

test('a JSON line has the stable field names, in order, with typed values', () => {
  const line = formatJsonRecord(record({}, { referer: 'http://r/', 'user-agent': 'ua', 'res:content-type': 'text/plain' }))
  assert.equal(line,
    '{"time":"2025-03-01T12:00:00.005Z","client":"198.51.100.4","remote_user":null,"method":"POST",' +
    '"url":"/api?q=1","protocol":"HTTP/1.1","status":201,"bytes_in":50,"bytes_out":100,"duration_ms":2,' +
    '"node_response_ms":1.5,"node":"10.1.1.1:80","pool":"api","virtual_server":"vs1","referer":"http://r/",' +
    '"user_agent":"ua","content_type":"text/plain"}')
})

test('missing values are null, and hostile values stay inside one line', () => {
  const line = formatJsonRecord(record(
    { node: null, pool: null, nodeResponseMs: -1, target: '/x"\n{"forged":1}', startWallMs: Number.NaN },
    { 'user-agent': 'a\u0000b\u2028' },
  ))
  assert.ok(!line.includes('\n'))
  const parsed = JSON.parse(line) as Record<string, unknown>
  assert.equal(parsed['time'], null)
  assert.equal(parsed['node'], null)
  assert.equal(parsed['pool'], null)
  assert.equal(parsed['node_response_ms'], null)
  assert.equal(parsed['referer'], null)
  assert.equal(parsed['url'], '/x"\n{"forged":1}')
  assert.equal(parsed['user_agent'], 'a\u0000b\u2028')
  assert.equal(formatJsonRecord(record({ nodeResponseMs: Number.NaN }, {})).includes('"node_response_ms":null'), true)
})
