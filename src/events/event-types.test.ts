import assert from 'node:assert/strict'
import { test } from 'node:test'
import { actionsForEvent, matchesEventType } from './event-types.ts'
import type { SluiceEvent } from '../core/index.ts'

const nodefail: SluiceEvent = {
  id: 1,
  timeMs: 0,
  severity: 'warn',
  category: 'pools',
  name: 'nodefail',
  objects: { pool: 'web', node: '10.0.0.1:80' },
  message: 'down',
}

test('event types match by category section, event name and object', () => {
  assert.equal(matchesEventType({ pools: { event_tags: ['nodefail'], objects: [] } }, nodefail), true)
  assert.equal(matchesEventType({ pools: { event_tags: ['pooldied'], objects: [] } }, nodefail), false)
  assert.equal(matchesEventType({ pools: { event_tags: ['nodefail'], objects: ['web'] } }, nodefail), true)
  assert.equal(matchesEventType({ pools: { event_tags: ['nodefail'], objects: ['api'] } }, nodefail), false)
  assert.equal(matchesEventType({ pools: { event_tags: ['*'], objects: [] } }, nodefail), true)
  assert.equal(matchesEventType({ monitors: { event_tags: ['nodefail'] } }, nodefail), false, 'another category')
  assert.equal(matchesEventType({ general: { event_tags: ['*'] } }, nodefail), true, 'general * matches everything')
  assert.equal(matchesEventType({}, nodefail), false)
})

test('each action runs once per event even when several event types name it', () => {
  const types = new Map([
    ['a', { basic: { actions: ['hook', 'log'] }, pools: { event_tags: ['nodefail'] } }],
    ['b', { basic: { actions: ['hook'] }, pools: { event_tags: ['*'] } }],
    ['c', { basic: { actions: ['never'] }, pools: { event_tags: ['pooldied'] } }],
  ])
  assert.deepEqual(actionsForEvent(types, nodefail), [
    { eventType: 'a', action: 'hook' },
    { eventType: 'a', action: 'log' },
  ])
})
