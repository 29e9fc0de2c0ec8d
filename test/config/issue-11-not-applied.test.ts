/**
 * Issue #11 item 16: keys that are accepted but not applied, and objects of types Sluice does
 * not use, are reported as warnings ("not supported yet") by the same diagnostics as check,
 * start and the API use; docs/configuration.md lists exactly the table's rows.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { NOT_APPLIED, formatDiagnostic, getObjectType, keysOf, type NotApplied } from '../../src/config/index.ts'
import { diagnoseConfig } from '../../src/snapshot/index.ts'
import { ROOT } from '../e2e/cli-harness.ts'

const files = (extra: Record<string, unknown>) => ({
  dir: 'config',
  files: Object.entries({
    'virtual_servers/web': { properties: { basic: { enabled: true, port: 8080, pool: 'p', protection_class: 'guard' }, recent_connections: { enabled: false } } },
    'pools/p': { properties: { basic: { nodes_table: [{ node: '127.0.0.1:9001' }, { node: '127.0.0.1:9002', source_ip: '127.0.0.2' }] } } },
    'protection/guard': { properties: { basic: { debug: true }, access_restriction: { banned: ['10.0.0.1'] } } },
    ...extra,
  }).map(([path, doc]) => ({ path, content: JSON.stringify(doc) })),
})

test('keys that have no effect and objects of unused types are warned about, naming each', () => {
  const report = diagnoseConfig(files({
    global_settings: { properties: { log: { flush_time: 1 }, trafficscript: { max_instr: 5000 } } },
    'virtual_servers/tcp': { properties: { basic: { enabled: false, port: 21, protocol: 'ftp', pool: 'p' } } },
  }))
  assert.deepEqual(report.errors, [])
  assert.ok(report.config !== null, 'warnings never block')
  assert.deepEqual(report.warnings.map(formatDiagnostic).sort(), [
    'global_settings (config/global_settings): log.flush_time: warning: not supported yet: it is accepted but has no effect (set to 1)',
    'pools/p (config/pools/p): basic.nodes_table[1].source_ip: warning: not supported yet: it is accepted but has no effect (set to "127.0.0.2")',
    'protection/guard (config/protection/guard): basic.debug: warning: not supported yet: it is accepted but has no effect (set to true)',
    'virtual_servers/tcp (config/virtual_servers/tcp): basic.protocol: warning: the value "ftp" is not supported yet: it is accepted but has no effect',
    'virtual_servers/web (config/virtual_servers/web): recent_connections.enabled: warning: not supported yet: it is accepted but has no effect (set to false)',
  ])
})

test('every row of the table names a type, section and key of the schema', () => {
  for (const row of NOT_APPLIED) {
    const type = getObjectType(row.type)
    assert.ok(type !== undefined, `${row.type} is a type`)
    assert.ok(keysOf(type, row).length > 0 || row.keys === '*', `${row.type} ${row.keys} covers keys`)
    for (const except of row.except ?? []) {
      const [section = '', key = ''] = row.keys === '*' ? except.split('.') : [row.keys.split('.')[0] ?? '', except]
      assert.ok(type.sections[section]?.[key] !== undefined, `${row.type} ${section}.${key} exists`)
    }
    for (const column of row.columns ?? []) {
      const [section = '', key = ''] = row.keys.split('.')
      assert.ok(type.sections[section]?.[key]?.columns?.[column] !== undefined, `${row.type} ${row.keys} has column ${column}`)
    }
    for (const value of row.values ?? []) {
      const [section = '', key = ''] = row.keys.split('.')
      assert.ok(type.sections[section]?.[key]?.enum?.includes(value), `${row.type} ${row.keys} has value ${value}`)
    }
  }
})

/** The rows of the "Accepted but not applied yet" table in docs/configuration.md. */
async function documentedRows(): Promise<NotApplied[]> {
  const text = await readFile(join(ROOT, 'docs', 'configuration.md'), 'utf8')
  const section = text.split('\n## Accepted but not applied yet\n')[1]?.split('\n## ')[0] ?? ''
  const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '')
  const rows: NotApplied[] = []
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const [, typeCell = '', keysCell = '', whichCell = ''] = cells
    const type = ticked(typeCell)[0]
    if (type === undefined) continue
    const keys = keysCell === '(every object)' || keysCell === 'every key' ? '*' : (ticked(keysCell)[0] ?? '')
    const list = ticked(whichCell)
    rows.push({
      type,
      keys,
      ...(whichCell.startsWith('values ') ? { values: list } : {}),
      ...(whichCell.startsWith('columns ') ? { columns: list } : {}),
      ...(whichCell.startsWith('all but ') ? { except: list } : {}),
    })
  }
  return rows
}

test('docs/configuration.md lists exactly the rows of NOT_APPLIED', async () => {
  const canonical = (r: NotApplied) =>
    JSON.stringify([r.type, r.keys, [...(r.values ?? [])].sort(), [...(r.except ?? [])].sort(), [...(r.columns ?? [])].sort()])
  assert.deepEqual((await documentedRows()).map(canonical).sort(), NOT_APPLIED.map(canonical).sort())
})
