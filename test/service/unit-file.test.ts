/**
 * Issue #21 item 3: the systemd unit in examples/systemd has the hardening systemd offers and
 * passes `systemd-analyze verify` (where systemd-analyze exists; the key checks run anyway).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../e2e/cli-harness.ts'

const UNIT = join(ROOT, 'examples', 'systemd', 'sluice.service')

/** Section name to key to its values (a key may be given more than once). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header !== null) {
      current = new Map()
      sections.set(header[1] ?? '', current)
      continue
    }
    const eq = line.indexOf('=')
    assert.ok(current !== undefined && eq > 0, `a key=value line inside a section: ${line}`)
    const key = line.slice(0, eq)
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)])
  }
  return sections
}

test('the unit runs sluice as a notify service with reload by SIGHUP and the hardening keys', () => {
  const unit = parseUnit(readFileSync(UNIT, 'utf8'))
  const service = unit.get('Service')
  assert.ok(service !== undefined)
  const one = (key: string) => {
    const values = service.get(key) ?? []
    assert.equal(values.length, 1, `${key} is set once`)
    return values[0] ?? ''
  }
  assert.equal(one('Type'), 'notify')
  assert.equal(one('NotifyAccess'), 'all', 'systemd-notify, a child process, reports readiness')
  assert.match(one('ExecStart'), /\/sluice start --config \/var\/lib\/sluice\b/)
  assert.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID')
  assert.equal(one('DynamicUser'), 'yes')
  assert.equal(one('AmbientCapabilities'), 'CAP_NET_BIND_SERVICE')
  assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE', 'no capability but binding low ports')
  assert.equal(one('NoNewPrivileges'), 'yes')
  assert.equal(one('ProtectSystem'), 'strict', 'a read-only system')
  assert.equal(one('PrivateTmp'), 'yes')
  assert.equal(one('ProtectHome'), 'yes')
  assert.equal(one('StateDirectory'), 'sluice', 'the configuration and state directory, writable')
  assert.equal(service.has('MemoryDenyWriteExecute'), false, 'V8 needs writable code pages')
  assert.deepEqual(unit.get('Install')?.get('WantedBy'), ['multi-user.target'])
})

const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0

test('systemd-analyze verify accepts the unit without a warning', { skip: hasAnalyze ? false : 'systemd-analyze is not installed here' }, () => {
  // verify insists that the program exists; a stand-in takes the place of the installed sluice.
  const dir = mkdtempSync(join(tmpdir(), 'sluice-unit-'))
  try {
    const program = join(dir, 'sluice')
    writeFileSync(program, '#!/bin/sh\n')
    chmodSync(program, 0o755)
    const text = readFileSync(UNIT, 'utf8')
    assert.match(text, /\/usr\/local\/bin\/sluice /)
    writeFileSync(join(dir, 'sluice.service'), text.replaceAll('/usr/local/bin/sluice', program))
    const r = spawnSync('systemd-analyze', ['verify', join(dir, 'sluice.service')], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no unknown key, no value systemd cannot parse')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
