import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatLogLine } from './log-format.ts'
import { createLogger, memoryLogger } from './logger.ts'

const T = Date.UTC(2026, 11, 4, 19, 45, 1, 23)

test('a text line has an ISO 8601 UTC timestamp with milliseconds, the level, then the message', () => {
  assert.equal(formatLogLine('text', T, 'warn', 'pool p: node down'), '2026-12-04T19:45:01.023Z WARN pool p: node down')
})

test('a JSON line is one object with time, level and msg, and the fields beside them', () => {
  const line = formatLogLine('json', T, 'info', 'say "hi"\nthere', { event: 'config/confok', objects: { directory: '/etc/sluice' } })
  assert.ok(!line.includes('\n'), 'one line, whatever the message holds')
  assert.deepEqual(JSON.parse(line), {
    time: '2026-12-04T19:45:01.023Z',
    level: 'info',
    msg: 'say "hi"\nthere',
    event: 'config/confok',
    objects: { directory: '/etc/sluice' },
  })
})

test('a field cannot replace the time, level or message of a JSON line', () => {
  const doc = JSON.parse(formatLogLine('json', T, 'error', 'm', { level: 'debug', msg: 'x', time: 0 })) as Record<string, unknown>
  assert.deepEqual([doc['level'], doc['msg'], doc['time']], ['error', 'm', '2026-12-04T19:45:01.023Z'])
  assert.deepEqual([doc['field_level'], doc['field_msg'], doc['field_time']], ['debug', 'x', 0])
})

test('the logger drops lines below its level and stamps the others with its clock', () => {
  const lines: string[] = []
  const logger = createLogger('warn', (l) => lines.push(l), { format: 'json', nowMs: () => T })
  logger.info('not this')
  logger.warn('this', { pool: 'p' })
  assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), [{ time: '2026-12-04T19:45:01.023Z', level: 'warn', msg: 'this', pool: 'p' }])
  const memory = memoryLogger()
  memory.error('plain for tests')
  assert.deepEqual(memory.lines, ['ERROR plain for tests'])
})
