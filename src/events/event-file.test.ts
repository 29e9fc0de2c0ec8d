import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock, memoryLogger } from '../core/index.ts'
import { EventFile, keepEventsIn } from './event-file.ts'
import { EventLog } from './event-log.ts'

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sluice-events-'))
}

test('events written by one run are listed by the next, with their ids, and numbering goes on', async (t) => {
  const dir = await tempDir()
  t.after(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, '.sluice', 'events.log')
  const first = new EventLog(new ManualClock(), memoryLogger())
  const closeFirst = await keepEventsIn(first, path, memoryLogger())
  first.emit({ severity: 'info', category: 'config', name: 'confok', objects: { directory: dir }, message: 'one' })
  first.emit({ severity: 'warn', category: 'pools', name: 'nodefail', objects: { pool: 'p', node: 'n:1' }, message: 'two' })
  await new Promise((r) => setImmediate(r))
  await closeFirst()

  const logger = memoryLogger()
  const second = new EventLog(new ManualClock(), logger)
  const closeSecond = await keepEventsIn(second, path, memoryLogger())
  second.emit({ severity: 'info', category: 'config', name: 'confok', objects: {}, message: 'three' })
  await new Promise((r) => setImmediate(r))
  await closeSecond()
  assert.deepEqual(second.list().map((e) => [e.id, e.message]), [[1, 'one'], [2, 'two'], [3, 'three']])
  assert.deepEqual(second.list(2).map((e) => e.message), ['three'])
  assert.deepEqual(second.list()[1]?.objects, { pool: 'p', node: 'n:1' })
  assert.equal(logger.lines.length, 1, 'restored events are not logged again')
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n')
  assert.equal(lines.length, 3)
  assert.equal((JSON.parse(lines[2] ?? '') as { time: string }).time, new Date(0).toISOString())
})

test('the file rotates at its bound, keeping one older file; a load takes the newest events in order', async (t) => {
  const dir = await tempDir()
  t.after(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'events.log')
  const maxBytes = 2048
  const log = new EventLog(new ManualClock(), memoryLogger(), 50)
  const close = await keepEventsIn(log, path, memoryLogger(), maxBytes)
  for (let i = 1; i <= 200; i++) log.emit({ severity: 'info', category: 'test', name: 'tick', objects: {}, message: `event ${String(i)}` })
  await new Promise((r) => setImmediate(r))
  await close()
  assert.ok((await stat(path)).size <= maxBytes)
  assert.ok((await stat(`${path}.1`)).size <= maxBytes)
  const loaded = await new EventFile(path, memoryLogger(), maxBytes).load(5)
  assert.deepEqual(loaded.map((e) => e.message), ['event 196', 'event 197', 'event 198', 'event 199', 'event 200'])
  const all = await new EventFile(path, memoryLogger(), maxBytes).load(1000)
  assert.ok(all.length > 5 && all.length < 200, `both files, bounded: ${String(all.length)}`)
  assert.deepEqual(all.map((e) => e.id), all.map((_, i) => (all[0]?.id ?? 0) + i), 'in order, none missing')
})

test('lines that are not events are skipped with one warning', async (t) => {
  const dir = await tempDir()
  t.after(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'events.log')
  const good = { id: 7, timeMs: 1, severity: 'warn', category: 'pools', name: 'nodefail', objects: {}, message: 'm' }
  await writeFile(path, `not json\n${JSON.stringify(good)}\n{"id": "x"}\n`)
  const logger = memoryLogger()
  const loaded = await new EventFile(path, logger).load(10)
  assert.deepEqual(loaded.map((e) => e.id), [7])
  assert.deepEqual(logger.lines, [`WARN event log ${path}: skipped 2 line(s) that are not events`])
})
