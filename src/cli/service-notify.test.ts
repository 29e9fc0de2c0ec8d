import { test } from 'node:test'
import assert from 'node:assert/strict'
import { memoryLogger } from '../core/index.ts'
import { serviceNotifier } from './service-notify.ts'

test('without NOTIFY_SOCKET the notifier sends nothing', async () => {
  const sent: string[][] = []
  const n = serviceNotifier({}, memoryLogger(), 42, (a) => {
    sent.push([...a])
    return Promise.resolve(null)
  })
  n.ready('x')
  n.status('y')
  n.stopping()
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(sent, [])
})

test('READY=1 names this process as the main one; a status is one line; a failure is logged once', async () => {
  const sent: string[][] = []
  const logger = memoryLogger()
  const n = serviceNotifier({ NOTIFY_SOCKET: '/run/systemd/notify' }, logger, 42, (a) => {
    sent.push([...a])
    return Promise.resolve('spawn systemd-notify ENOENT')
  })
  n.ready('2 listener(s)')
  n.status('line one\nline two')
  n.stopping()
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(sent, [['READY=1', 'MAINPID=42', 'STATUS=2 listener(s)'], ['STATUS=line one line two'], ['STOPPING=1', 'STATUS=stopping']])
  assert.deepEqual(logger.lines, ['WARN cannot notify systemd (spawn systemd-notify ENOENT); is systemd-notify installed? Or use Type=exec in the unit'])
})
