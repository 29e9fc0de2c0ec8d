import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Decision } from './host.ts'

/** Every field a rule can set, as plain data, to compare Decisions. */
function snapshot(d: Decision): unknown {
  return {
    pool: d.pool, poolHost: d.poolHost, poolPort: d.poolPort, action: d.action, final: d.final, response: d.response,
    clientData: d.clientData, persistenceClass: d.persistenceClass, persistenceKey: d.persistenceKey,
    persistenceNode: d.persistenceNode, retry: d.retry, idempotent: d.idempotent, requestLog: d.requestLog,
    bandwidthClass: d.bandwidthClass, serviceLevelClass: d.serviceLevelClass, maxReplyTimeS: d.maxReplyTimeS,
    remoteIpOverride: d.remoteIpOverride, avoidNodes: [...d.avoidNodes], addResponseHeaders: [...d.addResponseHeaders],
    settings: [...d.settings], abortedRules: [...d.abortedRules],
  }
}

function fill(d: Decision): void {
  d.pool = 'p'
  d.poolHost = 'h'
  d.poolPort = 1
  d.action = 'use-pool'
  d.final = true
  d.response = { status: 200, reason: 'OK', contentType: 'text/plain', body: '', headers: [] }
  d.clientData = 'x'
  d.persistenceClass = 'c'
  d.persistenceKey = 'k'
  d.persistenceNode = 'n'
  d.retry = true
  d.idempotent = true
  d.requestLog = 'exclude'
  d.bandwidthClass = 'b'
  d.serviceLevelClass = 's'
  d.maxReplyTimeS = 3
  d.remoteIpOverride = '192.0.2.1'
  d.avoidNode('10.0.0.1:80')
  d.addResponseHeader('Set-Cookie', 'a=1')
  d.setSetting('request.setDSCP', 8)
  d.noteAborted('r')
}

test('Decision: lists and settings start empty, are written through methods, and are not shared', () => {
  const a = new Decision()
  const b = new Decision()
  fill(a)
  a.avoidNode('10.0.0.2:80')
  assert.deepEqual(a.avoidNodes, ['10.0.0.1:80', '10.0.0.2:80'])
  assert.deepEqual(a.addResponseHeaders, [['Set-Cookie', 'a=1']])
  assert.deepEqual([...a.settings], [['request.setDSCP', 8]])
  assert.deepEqual(a.abortedRules, ['r'])
  assert.deepEqual(snapshot(b), snapshot(new Decision()))
  assert.equal(b.avoidNodes.length + b.addResponseHeaders.length + b.settings.size + b.abortedRules.length, 0)
})

test('Decision.reset makes a used Decision equal to a new one', () => {
  const d = new Decision()
  fill(d)
  assert.notDeepEqual(snapshot(d), snapshot(new Decision()))
  d.reset()
  assert.deepEqual(snapshot(d), snapshot(new Decision()))
  d.setSetting('k', 1)
  assert.deepEqual([...d.settings], [['k', 1]])
})
