import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assignTrafficIps, groupProblem, type TrafficIpGroup } from './traffic-ip-plan.ts'

function group(name: string, ips: string[], more: Partial<TrafficIpGroup> = {}): TrafficIpGroup {
  return { name, enabled: true, mode: 'singlehosted', ipaddresses: ips, machines: [], slaves: [], keeptogether: false, ipAssignmentMode: 'balanced', ipMapping: [], ...more }
}

test('addresses spread over the live members in turn, and move when one dies', () => {
  const g = group('front', ['10.0.0.2', '10.0.0.1', '10.0.0.3'])
  assert.deepEqual([...assignTrafficIps([g], ['b', 'a'])], [['10.0.0.1', 'a'], ['10.0.0.2', 'b'], ['10.0.0.3', 'a']])
  assert.deepEqual([...assignTrafficIps([g], ['b'])], [['10.0.0.1', 'b'], ['10.0.0.2', 'b'], ['10.0.0.3', 'b']])
  assert.deepEqual([...assignTrafficIps([g], [])], [])
})

test('machines, slaves, ip_mapping and keeptogether decide who may hold what', () => {
  const g = group('front', ['10.0.0.1', '10.0.0.2'], { machines: ['a', 'b', 'c'], slaves: ['c'] })
  assert.deepEqual(new Set(assignTrafficIps([g], ['a', 'b', 'c', 'x']).values()), new Set(['a', 'b']), 'c is passive and x not allowed')
  assert.deepEqual(new Set(assignTrafficIps([g], ['c', 'x']).values()), new Set(['c']), 'the slave takes over when alone')
  const pinned = group('front', ['10.0.0.1', '10.0.0.2'], { ipMapping: [{ ip: '10.0.0.1', traffic_manager: 'b' }] })
  assert.equal(assignTrafficIps([pinned], ['a', 'b']).get('10.0.0.1'), 'b')
  assert.equal(assignTrafficIps([pinned], ['a']).get('10.0.0.1'), 'a', 'a mapping to a dead member is not kept')
  const together = group('front', ['10.0.0.1', '10.0.0.2', '10.0.0.3'], { keeptogether: true })
  assert.deepEqual(new Set(assignTrafficIps([together], ['a', 'b']).values()), new Set(['a']))
})

test('balanced spreads across groups; disabled and unsupported groups raise nothing', () => {
  const one = group('g1', ['10.0.0.1'])
  const two = group('g2', ['10.0.1.1'])
  assert.deepEqual([...assignTrafficIps([one, two], ['a', 'b']).values()], ['a', 'b'])
  assert.deepEqual([...assignTrafficIps([one, { ...two, ipAssignmentMode: 'alphabetic' }], ['a', 'b']).values()], ['a', 'a'])
  assert.equal(assignTrafficIps([{ ...one, enabled: false }], ['a']).size, 0)
  assert.equal(assignTrafficIps([{ ...one, mode: 'multihosted' }], ['a']).size, 0)
  assert.match(groupProblem({ ...one, mode: 'rhi' }) ?? '', /mode rhi is not supported/)
  assert.match(groupProblem(group('bad', ['10.0.0']))  ?? '', /not an IP address/)
})
