// Generations (issue #19): who goes where, the verbs, sessions over deploys, reloads and restarts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Session, generationRows, startGenerations } from './harness.ts'
import { waitFor, waitUntil } from '../helpers/wait.ts'

const STORY = [
  { name: '31', state: 'current' },
  { name: '32', state: 'testing' },
] as const

test('new sessions go to the current generation and keep it; only testers reach the testing one', async (t) => {
  const run = await startGenerations(t, STORY, { tester_header: 'X-Tester: yes', tester_cookie: 'tester', tester_addresses: ['127.0.0.2'] })
  const port = run.port()
  for (let i = 0; i < 5; i++) assert.equal(await new Session().get(port), '31', 'a new session goes to the current generation')
  const user = new Session()
  assert.equal(await user.get(port), '31')
  assert.ok(user.has('SluiceGeneration'), 'Sluice set its session cookie')
  // A field with another value is not the tester's field.
  assert.equal(await new Session({ 'X-Tester': 'no' }).get(port), '31')
  assert.equal(await new Session({ 'X-Tester': 'yes' }).get(port), '32')
  assert.equal(await new Session({ cookie: 'tester=1' }).get(port), '32')
  assert.equal(run.nodes.get('32')?.requests, 2, 'only the two testers reached generation 32')
})

test('deploy: a session begun on 31 stays there, new sessions go to 32; events in order; rollback brings 31 back', async (t) => {
  const run = await startGenerations(t, STORY)
  const port = run.port()
  const early = new Session()
  assert.equal(await early.get(port), '31')
  const deployed = await run.api('POST', 'status/local_tm/generations/app/deploy')
  assert.equal(deployed.status, 200, deployed.text)
  assert.equal(deployed.body['current'], '32')
  assert.equal(deployed.body['previous'], '31')
  for (let i = 0; i < 3; i++) assert.equal(await early.get(port), '31', 'the old session stays on 31')
  const late = new Session()
  assert.equal(await late.get(port), '32', 'a new session goes to 32')
  const events = await run.api('GET', 'status/local_tm/events')
  const names = ((events.body['events'] ?? []) as { category: string; name: string; objects: Record<string, string> }[])
    .filter((e) => e.category === 'generations')
    .map((e) => `${e.name} ${e.objects['generation'] ?? ''}`)
  assert.deepEqual(names, ['deployed 32', 'draining 31'])
  const rows = await generationRows(run)
  assert.equal(rows.get('31')?.['state'], 'draining')
  assert.equal(rows.get('31')?.['sessions'], 1)
  assert.equal(rows.get('32')?.['sessions'], 1)
  const back = await run.api('POST', 'status/local_tm/generations/app/rollback')
  assert.equal(back.status, 200, back.text)
  assert.equal(back.body['current'], '31')
  assert.equal(await new Session().get(port), '31', 'after rollback new sessions go to 31')
  assert.equal(await late.get(port), '32', 'a session begun on 32 keeps it: nothing is lost')
  assert.equal(await early.get(port), '31')
})

test('a session keeps its generation across a reload and a restart of Sluice', async (t) => {
  const run = await startGenerations(t, STORY)
  const early = new Session()
  assert.equal(await early.get(run.port()), '31')
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/deploy', { generation: '32' })).status, 200)
  // A reload: an unrelated change applied through the API.
  assert.equal((await run.api('PUT', 'config/active/virtual_servers/app', { properties: { basic: { note: 'reloaded' } } })).status, 200)
  assert.equal(await early.get(run.port()), '31')
  await run.restart()
  assert.equal(await early.get(run.port()), '31', 'the session cookie is valid after a restart')
  assert.equal(await new Session().get(run.port()), '32')
  const rows = await generationRows(run)
  assert.equal(rows.get('31')?.['sessions'], 1, 'the live session was saved and counted again after the restart')
})

test('reap is refused while sessions remain, unless forced; drained comes when the last one ends', async (t) => {
  const run = await startGenerations(t, [...STORY, { name: '30', state: 'draining' }], { idle_timeout: 1 })
  const port = run.port()
  const user = new Session()
  assert.equal(await user.get(port), '31')
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/deploy')).status, 200)
  const refused = await run.api('POST', 'status/local_tm/generations/app/reap', { generation: '31' })
  assert.equal(refused.status, 409)
  assert.match(String((refused.body['error'] as Record<string, unknown>)['error_text']), /generation "31" still has 1 live session/)
  const cur = await run.api('POST', 'status/local_tm/generations/app/reap', { generation: '32' })
  assert.equal(cur.status, 409)
  assert.match(String((cur.body['error'] as Record<string, unknown>)['error_text']), /generation "32" is current/)
  // Generation 30 never had a session: reaped at once.
  const empty = await run.api('POST', 'status/local_tm/generations/app/reap', { generation: '30' })
  assert.equal(empty.status, 200, empty.text)
  assert.equal(empty.body['sessions_cut'], 0)
  // Idle for longer than idle_timeout (1 s): the session has ended, and 31 drains.
  const deadline = Date.now() + 5000
  let drained = false
  while (!drained && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    const events = await run.api('GET', 'status/local_tm/events')
    drained = ((events.body['events'] ?? []) as { category: string; name: string; objects: Record<string, string> }[]).some((e) => e.category === 'generations' && e.name === 'drained' && e.objects['generation'] === '31')
  }
  assert.ok(drained, 'drained was raised for 31')
  const reaped = await run.api('POST', 'status/local_tm/generations/app/reap', { generation: '31' })
  assert.equal(reaped.status, 200, reaped.text)
  assert.equal(await user.get(port), '32', 'the ended session starts again on the current generation')
  const names = (((await run.api('GET', 'status/local_tm/events')).body['events'] ?? []) as { category: string; name: string; objects: Record<string, string> }[])
    .filter((e) => e.category === 'generations')
    .map((e) => `${e.name} ${e.objects['generation'] ?? ''}`)
  assert.deepEqual(
    names.filter((n) => n.endsWith(' 31') || n.endsWith(' 32')),
    ['deployed 32', 'draining 31', 'drained 31', 'reaped 31'],
  )
})

test('a forced reap cuts the sessions it counted: they start again on the current generation', async (t) => {
  const run = await startGenerations(t, STORY)
  const port = run.port()
  const users = [new Session(), new Session()]
  for (const u of users) assert.equal(await u.get(port), '31')
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/deploy')).status, 200)
  const forced = await run.api('POST', 'status/local_tm/generations/app/reap', { generation: '31', force: true })
  assert.equal(forced.status, 200, forced.text)
  assert.equal(forced.body['sessions_cut'], 2)
  for (const u of users) assert.equal(await u.get(port), '32')
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/rollback')).status, 409, 'nothing to roll back to once 31 is reaped')
})

test('a client loop through deploy and rollback sees no failure and no session changing generation', async (t) => {
  const run = await startGenerations(t, STORY)
  const port = run.port()
  const sessions = Array.from({ length: 6 }, () => new Session())
  const first = new Map<Session, string>()
  let requests = 0
  let stop = false
  const loop = async (s: Session) => {
    for (let i = 0; i < 400 && !stop; i++) {
      const g = await s.get(port)
      requests++
      const was = first.get(s)
      if (was === undefined) first.set(s, g)
      else assert.equal(g, was, 'a session changed generation mid-way')
    }
  }
  // Each step waits for the loops to have run on: requests, not time, are what must pass.
  const ranOn = (more: number) => {
    const target = requests + more
    return waitFor(() => requests >= target, `${String(more)} more requests`, 5000)
  }
  const loops = sessions.slice(0, 3).map(loop)
  await ranOn(15)
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/deploy')).status, 200)
  loops.push(...sessions.slice(3).map(loop))
  await ranOn(30)
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/rollback')).status, 200)
  await ranOn(30)
  stop = true
  await Promise.all(loops)
  assert.ok(requests > 50, `the loop ran (${String(requests)} requests)`)
  assert.deepEqual(new Set(first.values()), new Set(['31', '32']), 'sessions began on both generations')
})

test('a canary sends only its share of new sessions to the current generation, changed live', async (t) => {
  const run = await startGenerations(t, STORY)
  const port = run.port()
  const deployed = await run.api('POST', 'status/local_tm/generations/app/deploy', { canary_percent: 20 })
  assert.equal(deployed.status, 200, deployed.text)
  const count = async (n: number) => {
    let on32 = 0
    for (let i = 0; i < n; i++) if ((await new Session().get(port)) === '32') on32++
    return on32
  }
  const few = await count(200)
  assert.ok(few > 15 && few < 70, `about 20% of 200 new sessions went to 32 (${String(few)})`)
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/canary', { canary_percent: 100 })).status, 200)
  assert.equal(await count(20), 20)
  const bad = await run.api('POST', 'status/local_tm/generations/app/canary', { canary_percent: 120 })
  assert.equal(bad.status, 409)
})

test('with the application\'s cookie: its session is learnt from Set-Cookie and ends when it deletes it', async (t) => {
  const run = await startGenerations(t, STORY, { session: 'app_cookie', cookie: 'JSESSIONID' }, { appCookie: 'JSESSIONID' })
  const port = run.port()
  const user = new Session()
  assert.equal(await user.get(port), '31')
  assert.ok(user.has('JSESSIONID') && !user.has('SluiceGeneration'), 'only the application sets a cookie')
  assert.equal((await run.api('POST', 'status/local_tm/generations/app/deploy')).status, 200)
  assert.equal(await user.get(port), '31', 'the application session stays on 31')
  assert.equal((await generationRows(run)).get('31')?.['sessions'], 1)
  assert.equal(await user.get(port, '/logout'), '31')
  assert.equal((await generationRows(run)).get('31')?.['sessions'], 0, 'deleting the cookie ended the session')
  assert.equal(await user.get(port), '32', 'the next session starts on the current generation')
})

test('the status counts requests, errors and rate per generation', async (t) => {
  const run = await startGenerations(t, STORY)
  const user = new Session()
  for (let i = 0; i < 4; i++) await user.get(run.port())
  const rows = await generationRows(run)
  assert.equal(rows.get('31')?.['requests'], 4)
  assert.equal(rows.get('31')?.['errors'], 0)
  assert.ok(Number(rows.get('31')?.['requests_per_second']) > 0)
  assert.equal(rows.get('32')?.['requests'], 0)
  const metrics = (await run.api('GET', '/metrics')).text
  assert.match(metrics, /^sluice_generation_requests_total\{virtual_server="app",generation="31",state="current"\} 4$/m)
  assert.match(metrics, /^sluice_generation_sessions\{virtual_server="app",generation="31",state="current"\} 1$/m)
  assert.match(metrics, /^sluice_generation_current\{virtual_server="app",generation="32",state="testing"\} 0$/m)
})

test('with two workers, sessions keep their generation whichever worker a connection reaches, and the status sums both', async (t) => {
  for (const session of ['sluice_cookie', 'app_cookie'] as const) {
    const run = await startGenerations(t, STORY, { session, cookie: session === 'app_cookie' ? 'SID' : 'SluiceGeneration' }, { appCookie: 'SID', workers: 2 })
    const port = run.port()
    const users = Array.from({ length: 4 }, () => new Session())
    for (const u of users) assert.equal(await u.get(port), '31')
    // Sessions learnt in one worker are told, through the primary (which counts them), to the other.
    await waitUntil(async () => (await generationRows(run)).get('31')?.['sessions'] === 4, 'four sessions counted', 5000)
    assert.equal((await run.api('POST', 'status/local_tm/generations/app/deploy')).status, 200)
    for (let i = 0; i < 5; i++) for (const u of users) assert.equal(await u.get(port), '31', `${session}: each connection of a session may reach either worker`)
    assert.equal(await new Session().get(port), '32')
    const rows = await generationRows(run)
    assert.equal(rows.get('31')?.['requests'], 24, `${session}: the requests of both workers are counted`)
    assert.equal(rows.get('31')?.['sessions'], 4)
    await run.server.stop(0)
  }
})
