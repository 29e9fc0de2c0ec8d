// The program and ping monitors with real child processes (tiny shell scripts in a temp dir).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PingProbe, ProgramProbe, findPingProgram, parseNodeAddress } from '../../src/health/index.ts'
import type { ProbeTarget } from '../../src/health/index.ts'
import { spec } from './helpers.ts'

const ENV = { PATH: '/usr/bin:/bin' }

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-health-prog-'))
  t.after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

function script(dir: string, name: string, body: string): string {
  const file = join(dir, name)
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

/** True while `pid` exists and is not a zombie (Linux /proc, else signal 0). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    try {
      process.kill(pid, 0)
      return !existsSync('/proc/self')
    } catch {
      return false
    }
  }
}

function target(label: string, portOptional = false): ProbeTarget {
  const parsed = parseNodeAddress(label, portOptional)
  assert.ok(parsed.ok)
  return parsed.value
}

test('program: receives the node in arguments and environment; exit status decides', async (t) => {
  const dir = tempDir(t)
  const out = join(dir, 'out')
  const program = script(dir, 'check.sh', [
    `printf '%s\\n' "$@" > ${out}`,
    `printf '%s %s %s %s %s\\n' "$SLUICE_NODE" "$SLUICE_NODE_IPADDR" "$SLUICE_NODE_HOST" "$SLUICE_NODE_PORT" "$SLUICE_MONITOR" >> ${out}`,
    'for a in "$@"; do case "$a" in --code=*) code="${a#--code=}";; esac; done',
    'echo "node says no" >&2',
    'exit "$code"',
  ].join('\n'))
  const pass = new ProgramProbe(spec({ name: 'prog', type: 'program', program, arguments: [{ name: 'code', value: '0' }] }), ENV)
  assert.deepEqual(await pass.run(target('127.0.0.1:8080'), AbortSignal.timeout(2000)),
    { ok: true, reason: 'program exited with status 0' })
  assert.deepEqual(readFileSync(out, 'utf8').split('\n'), [
    '--ipaddr=127.0.0.1', '--node=127.0.0.1', '--port=8080', '--code=0',
    '127.0.0.1:8080 127.0.0.1 127.0.0.1 8080 prog', '',
  ])
  const fail = new ProgramProbe(spec({ type: 'program', program, arguments: [{ name: 'code', value: '1' }] }), ENV)
  assert.deepEqual(await fail.run(target('127.0.0.1:8080'), AbortSignal.timeout(2000)),
    { ok: false, reason: 'program exited with status 1: "node says no"' })
})

test('program: resolves a host name for --ipaddr', async (t) => {
  const dir = tempDir(t)
  const out = join(dir, 'out')
  const program = script(dir, 'args.sh', `printf '%s ' "$@" > ${out}`)
  const probe = new ProgramProbe(spec({ type: 'program', program }), ENV)
  assert.equal((await probe.run(target('localhost:99'), AbortSignal.timeout(2000))).ok, true)
  assert.match(readFileSync(out, 'utf8'), /^--ipaddr=(127\.0\.0\.1|::1) --node=localhost --port=99 $/)
})

test('program: one that runs past the timeout is killed with its children', async (t) => {
  const dir = tempDir(t)
  const pidFile = join(dir, 'pid')
  const program = script(dir, 'slow.sh', `sleep 30 &\necho $! > ${pidFile}\nwait`)
  const probe = new ProgramProbe(spec({ type: 'program', program, timeoutMs: 150 }), ENV)
  const started = performance.now()
  const result = await probe.run(target('127.0.0.1:1'), AbortSignal.timeout(150))
  assert.equal(result.ok, false)
  assert.equal(result.reason, `timed out after 150 ms running ${program}`)
  assert.ok(performance.now() - started < 2000)
  const sleeper = Number(readFileSync(pidFile, 'utf8'))
  // The grandchild was killed with the group. It may linger as a zombie until init reaps it.
  let alive = true
  for (let i = 0; i < 100 && alive; i++) {
    alive = isRunning(sleeper)
    if (alive) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  assert.equal(alive, false, 'the background sleep must not outlive the probe')
})

test('program: a missing executable is a failure, not a throw', async () => {
  const probe = new ProgramProbe(spec({ type: 'program', program: '/nonexistent/sluice-monitor' }), ENV)
  assert.deepEqual(await probe.run(target('127.0.0.1:1'), AbortSignal.timeout(2000)),
    { ok: false, reason: 'cannot run /nonexistent/sluice-monitor: ENOENT' })
})

test('ping: runs the ping program once with a wait in seconds and the host', async (t) => {
  const dir = tempDir(t)
  const out = join(dir, 'out')
  const fakePing = script(dir, 'ping', `printf "%s " "$@" > ${out}\n[ "$6" = 127.0.0.1 ]`)
  const probe = new PingProbe(spec({ type: 'ping', pingProgram: fakePing, timeoutMs: 1500 }), ENV)
  assert.deepEqual(await probe.run(target('127.0.0.1', true), AbortSignal.timeout(2000)),
    { ok: true, reason: '127.0.0.1 answered ping' })
  assert.equal(readFileSync(out, 'utf8'), '-n -c 1 -W 2 127.0.0.1 ')
  const down = await probe.run(target('127.0.0.2', true), AbortSignal.timeout(2000))
  assert.deepEqual(down, { ok: false, reason: 'ping 127.0.0.2 exited with status 1' })
})

test('findPingProgram finds an executable ping in the given directories only', (t) => {
  const dir = tempDir(t)
  assert.equal(findPingProgram([join(dir, 'none')]), undefined)
  const fake = script(dir, 'ping', 'exit 0')
  assert.equal(findPingProgram([join(dir, 'none'), dir]), fake)
})
