import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { RequestLogWriter } from './request-log-writer.ts'
import { RequestLogRegistry, expandLogFilename, DEFAULT_LOG_FILENAME } from './request-log-registry.ts'

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-reqlog-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function readOr(path: string): Promise<string> {
  return existsSync(path) ? readFile(path, 'utf8') : ''
}

// Polls until the file holds `expected` or about two seconds pass.
async function waitForContent(path: string, expected: string): Promise<string> {
  let text = ''
  for (let i = 0; i < 200; i++) {
    text = await readOr(path)
    if (text === expected) break
    await sleep(10)
  }
  return text
}

test('lines wait in memory until flush, then land in order in a newly created directory', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'a', 'b', 'vs.log')
  const w = new RequestLogWriter(file, { flushMs: 60_000 })
  t.after(() => w.close())
  w.write('one')
  w.write('two')
  assert.equal(await readOr(file), '')
  assert.equal(w.stats().bufferedChars, 8)
  await w.flush()
  assert.equal(await readFile(file, 'utf8'), 'one\ntwo\n')
  assert.deepEqual(w.stats(), { linesWritten: 2, linesDropped: 0, writeErrors: 0, bufferedChars: 0 })
})

test('the flush timer writes without an explicit flush', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'timer.log')
  const w = new RequestLogWriter(file, { flushMs: 20 })
  t.after(() => w.close())
  w.write('tick')
  assert.equal(await waitForContent(file, 'tick\n'), 'tick\n')
})

test('a full buffer triggers a write before the timer and keeps every line in order', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'big.log')
  const w = new RequestLogWriter(file, { flushMs: 60_000, maxBufferBytes: 64, maxPendingBytes: 1 << 20 })
  t.after(() => w.close())
  const expected: string[] = []
  for (let i = 0; i < 500; i++) {
    const line = `line ${i} ${'x'.repeat(i % 17)}`
    expected.push(line)
    w.write(line)
  }
  const want = expected.join('\n') + '\n'
  assert.equal(await waitForContent(file, want), want)
  assert.equal(w.stats().linesWritten, 500)
})

test('close flushes, is idempotent, and later writes are dropped and counted', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'close.log')
  const w = new RequestLogWriter(file, { flushMs: 60_000 })
  w.write('last words')
  await Promise.all([w.close(), w.close()])
  w.write('too late')
  await w.close()
  assert.equal(await readFile(file, 'utf8'), 'last words\n')
  assert.equal(w.stats().linesDropped, 1)
})

test('reopen follows log rotation: later lines go to a fresh file at the same path', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'rot.log')
  const w = new RequestLogWriter(file, { flushMs: 60_000 })
  t.after(() => w.close())
  w.write('before')
  await w.flush()
  await rename(file, file + '.1')
  w.write('queued during rotation')
  await w.reopen()
  w.write('after')
  await w.flush()
  assert.equal(await readFile(file + '.1', 'utf8'), 'before\n')
  assert.equal(await readFile(file, 'utf8'), 'queued during rotation\nafter\n')
  // Without reopen the writer would have kept appending to the renamed file.
  await w.reopen()
  await w.reopen()
})

test('an unwritable path is counted and reported, never thrown, and recovers when fixed', async (t) => {
  const dir = await tempDir(t)
  const blocker = join(dir, 'not-a-dir')
  await writeFile(blocker, 'x')
  const file = join(blocker, 'vs.log')
  const reports: string[] = []
  const w = new RequestLogWriter(file, { flushMs: 60_000, onError: (f, m) => reports.push(`${f}: ${m}`) })
  t.after(() => w.close())
  const opened = await w.open()
  assert.equal(opened.ok, false)
  w.write('lost 1')
  w.write('lost 2')
  await w.flush()
  // One failed flush carried both lines; open() reported its failure as a value instead.
  assert.equal(w.stats().writeErrors, 1)
  assert.equal(w.stats().linesDropped, 2)
  assert.equal(reports.length, 1)
  assert.ok(reports[0]?.startsWith(file + ': '))
  await rm(blocker)
  w.write('kept')
  await w.flush()
  assert.equal(await readFile(file, 'utf8'), 'kept\n')
  assert.equal((await w.open()).ok, true)
})

test('a throwing error reporter does not escape', async (t) => {
  const dir = await tempDir(t)
  await writeFile(join(dir, 'f'), 'x')
  const w = new RequestLogWriter(join(dir, 'f', 'x.log'), { onError: () => { throw new Error('boom') } })
  t.after(() => w.close())
  w.write('a')
  await w.flush()
  assert.equal(w.stats().writeErrors, 1)
})

test('memory is bounded: lines beyond maxPendingBytes are dropped and counted', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'bounded.log')
  const w = new RequestLogWriter(file, { flushMs: 60_000, maxBufferBytes: 1 << 20, maxPendingBytes: 1 << 20 })
  t.after(() => w.close())
  const line = 'y'.repeat(1000)
  for (let i = 0; i < 2000; i++) w.write(line)
  const s = w.stats()
  assert.ok(s.bufferedChars <= 1 << 20)
  assert.ok(s.linesDropped > 900 && s.linesDropped < 1100, String(s.linesDropped))
  await w.close()
  assert.equal(w.stats().linesWritten + w.stats().linesDropped, 2000)
})

test('the registry shares one writer per resolved path and closes it on the last release', async (t) => {
  const dir = await tempDir(t)
  const reg = new RequestLogRegistry({ flushMs: 60_000 })
  t.after(() => reg.closeAll())
  const file = join(dir, 'shared.log')
  const a = reg.acquire(file)
  const b = reg.acquire(relative(process.cwd(), file))
  const other = reg.acquire(join(dir, 'other.log'))
  assert.equal(a, b)
  assert.notEqual(a, other)
  assert.equal(reg.size, 2)
  a.write('from vs1')
  b.write('from vs2')
  await reg.release(a)
  assert.equal(await readOr(file), '')
  await reg.release(b)
  assert.equal(await readFile(file, 'utf8'), 'from vs1\nfrom vs2\n')
  assert.equal(reg.size, 1)
  await reg.release(a)
  assert.equal(reg.size, 1)
  other.write('x')
  await reg.reopenAll()
  await reg.closeAll()
  assert.equal(reg.size, 0)
  assert.equal(await readFile(join(dir, 'other.log'), 'utf8'), 'x\n')
})

test('expandLogFilename fills %v and %zeushome% and keeps names inside the directory', () => {
  assert.equal(expandLogFilename(DEFAULT_LOG_FILENAME, 'web', '/opt/sluice'), '/opt/sluice/zxtm/log/web.log')
  assert.equal(expandLogFilename('/var/log/%v-%v.log', 'a/../b', '/h'), '/var/log/a_.._b-a_.._b.log')
  assert.equal(expandLogFilename('/l/%v', '..', '/h'), '/l/_')
  assert.equal(expandLogFilename('/l/fixed.log', 'x', '/h'), '/l/fixed.log')
})
