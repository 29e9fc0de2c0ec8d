import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ManualClock, memoryLogger } from '../core/index.ts'
import { EventLog } from './event-log.ts'

test('the event log numbers, timestamps, keeps and prints events', async () => {
  const logger = memoryLogger()
  const log = new EventLog(new ManualClock(1000), logger, 2)
  const seen: string[] = []
  log.subscribe((e) => seen.push(e.name))
  log.emit({ severity: 'warn', category: 'pools', name: 'nodefail', objects: { pool: 'p', node: 'n:1' }, message: 'refused' })
  log.emit({ severity: 'info', category: 'pools', name: 'nodeworking', objects: { pool: 'p', node: 'n:1' }, message: 'ok' })
  log.emit({ severity: 'serious', category: 'pools', name: 'pooldied', objects: { pool: 'p' }, message: 'all dead' })
  assert.deepEqual(log.list().map((e) => e.id), [2, 3])
  assert.deepEqual(log.list(2).map((e) => e.name), ['pooldied'])
  assert.equal(log.list()[0]?.timeMs, 1000)
  assert.match(logger.lines[0] ?? '', /^WARN event pools\/nodefail \[warn\] pool=p node=n:1: refused$/)
  assert.match(logger.lines[2] ?? '', /^ERROR event pools\/pooldied/)
  await Promise.resolve()
  assert.deepEqual(seen, ['nodefail', 'nodeworking', 'pooldied'])
})
