import assert from 'node:assert/strict'
import { access, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ManualClock, memoryLogger } from '../core/index.ts'
import { ActionRunner, type ActionOutcome } from './actions.ts'
import { EventLog } from './event-log.ts'

type Props = Record<string, Record<string, unknown>>

function setup(actions: Record<string, Props>, configDir = '/nonexistent') {
  const logger = memoryLogger()
  const log = new EventLog(new ManualClock(1_700_000_000_000), logger)
  const objects = new Map<string, Map<string, Props>>([
    ['event_types', new Map([['all-pools', { basic: { actions: Object.keys(actions) }, pools: { event_tags: ['*'], objects: [] } }]])],
    ['actions', new Map(Object.entries(actions))],
  ])
  const runner = new ActionRunner({ logger, objects: () => objects, configDir, env: {}, retryDelayMs: 10, webhookAttempts: 3 })
  const outcomes: ActionOutcome[] = []
  runner.onOutcome((o) => outcomes.push(o))
  const detach = runner.attach(log)
  const emit = (objects: Record<string, string> = { pool: 'web', node: '127.0.0.1:9' }, message = 'refused') => {
    log.emit({ severity: 'warn', category: 'pools', name: 'nodefail', objects, message })
  }
  return { runner, outcomes, emit, detach, logger }
}

test('log and program actions receive the event', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-actions-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'action_programs'))
  const program = join(dir, 'action_programs', 'record.sh')
  await writeFile(program, `#!/bin/sh\ncat > "${dir}/stdin.json"\nprintf '%s\\n' "$@" > "${dir}/args.txt"\n`)
  await chmod(program, 0o755)
  const { runner, outcomes, emit } = setup(
    {
      file: { basic: { type: 'log' }, log: { file: 'events.log' } },
      prog: { basic: { type: 'program', timeout: 5 }, program: { program: 'record.sh', arguments: [{ name: 'site', value: 'eu', description: '' }] } },
    },
    dir,
  )
  emit()
  await new Promise((r) => setTimeout(r, 0))
  await runner.idle()
  assert.deepEqual(outcomes.map((o) => `${o.action}:${String(o.error)}`).sort(), ['file:null', 'prog:null'])
  const line = await readFile(join(dir, '.sluice', 'action_logs', 'events.log'), 'utf8')
  assert.match(line, /^\[2023-11-14T22:13:20\.000Z\] WARN\tpools\/nodefail\tall-pools\tpool=web node=127\.0\.0\.1:9\trefused\n$/)
  const stdin = JSON.parse(await readFile(join(dir, 'stdin.json'), 'utf8')) as Record<string, unknown>
  assert.equal(stdin['event_type'], 'all-pools')
  assert.equal(stdin['name'], 'nodefail')
  const args = (await readFile(join(dir, 'args.txt'), 'utf8')).trim().split('\n')
  assert.equal(args[0], '--eventtype=all-pools')
  assert.equal(args[1], '--site=eu')
  assert.equal((JSON.parse((args[2] ?? '').replace(/^--event=/, '')) as { message: string }).message, 'refused')
})

test('log and program actions stay inside their directories', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-actions-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const outside = join(dir, 'outside')
  await mkdir(outside)
  const program = join(outside, 'run.sh')
  await writeFile(program, `#!/bin/sh\ntouch "${outside}/ran"\n`)
  await chmod(program, 0o755)
  const { runner, outcomes, emit } = setup(
    {
      absLog: { basic: { type: 'log' }, log: { file: join(outside, 'profile') } },
      upLog: { basic: { type: 'log' }, log: { file: '../../outside/profile' } },
      absProgram: { basic: { type: 'program', timeout: 5 }, program: { program: program } },
      upProgram: { basic: { type: 'program', timeout: 5 }, program: { program: '../outside/run.sh' } },
    },
    dir,
  )
  emit()
  await new Promise((r) => setTimeout(r, 0))
  await runner.idle()
  assert.equal(outcomes.length, 4)
  for (const o of outcomes) assert.match(o.error ?? '', /outside|sub-directory/, o.action)
  await assert.rejects(access(join(outside, 'profile')), 'no log written outside .sluice/action_logs')
  await assert.rejects(access(join(outside, 'ran')), 'no program run from outside action_programs')
})

test('object names and messages reach a log file escaped and a program as single arguments', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-actions-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'action_programs'))
  await writeFile(join(dir, 'action_programs', 'args.sh'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args.txt"\n`)
  await chmod(join(dir, 'action_programs', 'args.sh'), 0o755)
  const { runner, outcomes, emit } = setup(
    {
      file: { basic: { type: 'log' }, log: { file: 'events.log' } },
      prog: { basic: { type: 'program', timeout: 5 }, program: { program: 'args.sh' } },
    },
    dir,
  )
  const hostile = `x;touch ${dir}/pwned|sh $(id) \`id\` 'q' "d" & > <`
  emit({ pool: hostile }, `pools/${hostile} failed\nsecond line`)
  await new Promise((r) => setTimeout(r, 0))
  await runner.idle()
  assert.deepEqual(outcomes.map((o) => o.error), [null, null])
  const line = await readFile(join(dir, '.sluice', 'action_logs', 'events.log'), 'utf8')
  assert.equal(line.split('\n').length, 2, 'one line per event')
  assert.doesNotMatch(line.replace(/\t/g, ' '), /[;|$`'"&<>()]/, line)
  const fields = line.trimEnd().split('\t')
  assert.equal(decodeURIComponent((fields[3] ?? '').replace(/^pool=/, '')), hostile, 'the name survives, encoded')
  assert.equal(decodeURIComponent(fields[4] ?? ''), `pools/${hostile} failed\nsecond line`)
  const args = (await readFile(join(dir, 'args.txt'), 'utf8')).split('\n')
  const event = JSON.parse((args.find((a) => a.startsWith('--event=')) ?? '').slice('--event='.length)) as { objects: { pool: string } }
  assert.equal(event.objects.pool, hostile, 'passed as one argument, no shell in between')
  await assert.rejects(access(join(dir, 'pwned')))
})

test('syslog sends one RFC 5424 datagram', async (t) => {
  const socket = createSocket('udp4')
  socket.bind(0, '127.0.0.1')
  await once(socket, 'listening')
  t.after(() => socket.close())
  const received = once(socket, 'message')
  const { runner, outcomes, emit } = setup({ sys: { basic: { type: 'syslog', syslog_msg_len_limit: 2048 }, syslog: { sysloghost: `127.0.0.1:${String(socket.address().port)}` } } })
  emit()
  const [msg] = (await received) as [Buffer]
  await runner.idle()
  assert.match(msg.toString(), /^<28>1 2023-11-14T22:13:20\.000Z \S+ sluice \d+ pools\/nodefail - all-pools: refused$/)
  assert.deepEqual(outcomes.map((o) => o.error), [null])
})

test('webhooks POST the event as JSON and retry failures', async (t) => {
  const bodies: unknown[] = []
  let calls = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      calls++
      bodies.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) as unknown })
      res.writeHead(calls === 1 ? 503 : 200)
      res.end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => new Promise((r) => server.close(r)))
  const port = (server.address() as { port: number }).port
  const { runner, outcomes, emit } = setup({
    hook: { basic: { type: 'webhook', timeout: 2 }, webhook: { url: `http://127.0.0.1:${String(port)}/hook`, username: 'u', password: 'p', additional_data: 'x', attempts: 3 } },
  })
  emit()
  await new Promise((r) => setTimeout(r, 0))
  await runner.idle()
  assert.equal(calls, 2, 'the first 503 is retried')
  assert.deepEqual(outcomes.map((o) => o.error), [null])
  const first = bodies[1] as { auth: string; body: Record<string, unknown> }
  assert.equal(first.auth, `Basic ${Buffer.from('u:p').toString('base64')}`)
  assert.equal(first.body['name'], 'nodefail')
  assert.equal(first.body['additional_data'], 'x')
})

test('failures are logged, never thrown; unsupported types are reported', async () => {
  const { runner, outcomes, emit, logger } = setup({
    hook: { basic: { type: 'soap', timeout: 1 }, soap: { proxy: 'http://127.0.0.1:1/' } },
    mail: { basic: { type: 'email' } },
  })
  emit()
  await new Promise((r) => setTimeout(r, 0))
  await runner.idle()
  assert.equal(outcomes.length, 2)
  assert.match(outcomes.find((o) => o.action === 'hook')?.error ?? '', /3 attempts failed/)
  assert.match(outcomes.find((o) => o.action === 'mail')?.error ?? '', /not supported/)
  assert.ok(logger.lines.some((l) => l.startsWith('WARN action hook')))
})
