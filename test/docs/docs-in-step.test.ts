/**
 * Issue #21 item 8: the docs tell the truth about names. Every rule function the docs call
 * exists, every `section.key` they name is a key of the schema, the module lists of the language
 * reference are the registry's, and the request-log page's defaults are the schema's.
 * (docs/rules/functions.md and docs/reference are generated and have tests of their own.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { defaultValue, getObjectType, listObjectTypes } from '../../src/config/index.ts'
import { defaultRegistry } from '../../src/rules/index.ts'
import { ROOT } from '../e2e/cli-harness.ts'

/** Hand-written pages: README, docs/*.md, docs/rules/*.md (not the generated ones), the examples. */
function handWrittenDocs(): Map<string, string> {
  const files = [
    'README.md',
    'src/rules/README.md',
    ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
    ...readdirSync(join(ROOT, 'docs', 'rules')).filter((f) => f.endsWith('.md') && f !== 'functions.md').map((f) => `docs/rules/${f}`),
    ...readdirSync(join(ROOT, 'examples')).flatMap((d) => (d === 'quickstart' || d === 'systemd' ? [] : [`examples/${d}/README.md`])),
  ]
  return new Map(files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]))
}

/** Inline code spans of a Markdown text. */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '')
}

const registry = defaultRegistry()

/** Module of every function name (`http.request.get` → `http.request`), with whether any works. */
function registryModules(): Map<string, boolean> {
  const modules = new Map<string, boolean>()
  for (const name of registry.names()) {
    const module = name.split('.').slice(0, -1).join('.')
    const works = registry.lookup(name)?.def.unsupported === undefined
    modules.set(module, (modules.get(module) ?? false) || works)
  }
  return modules
}

// Spans that look like names but are not rule functions or configuration keys.
const NOT_FUNCTIONS = new Set(['conection.setPersistenceKey', 'module.sub.name', 'balancer.pick', 'clock.monoMs'])
const FILE_NAME = /\.(json|log|ts|yaml|yml|tsv|md|pem|key|zts|com|xml|xsd|xsl|xslt|dtd)$/
const API_CODE = /^(auth|resource|error_info)\.|^request\.(refused|invalid)$|^session\.choose$/

test('every rule function the docs call is in the function registry', () => {
  for (const [file, text] of handWrittenDocs()) {
    for (const span of codeSpans(text)) {
      for (const m of span.matchAll(/\b([a-z][a-z0-9]*(?:\.[a-z][A-Za-z0-9]*)*\.[a-zA-Z][A-Za-z0-9]*)\s*\(/g)) {
        const name = m[1] ?? ''
        if (NOT_FUNCTIONS.has(name)) continue
        assert.ok(registry.lookup(name) !== undefined, `${file}: \`${span}\` calls ${name}, which the registry does not have`)
      }
    }
  }
})

test('every `section.key` the docs name is a key of some object type (or a rule function or module)', () => {
  const keys = new Set<string>()
  for (const t of listObjectTypes()) for (const [s, ks] of Object.entries(t.sections)) for (const k of Object.keys(ks)) keys.add(`${s}.${k}`)
  const modules = registryModules()
  for (const [file, text] of handWrittenDocs()) {
    for (const span of codeSpans(text)) {
      if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(span) || FILE_NAME.test(span) || API_CODE.test(span)) continue
      assert.ok(keys.has(span) || registry.lookup(span) !== undefined || modules.has(span), `${file}: \`${span}\` is no key of the schema`)
    }
  }
})

test("the language reference's module lists are the registry's modules, split by whether any function works", () => {
  const text = readFileSync(join(ROOT, 'docs', 'rules', 'language.md'), 'utf8').replace(/\s+/g, ' ')
  // The run of `a`, `b`, ... code spans right after the marker.
  const listAfter = (marker: string) => {
    const at = text.indexOf(marker)
    assert.ok(at >= 0, `language.md says "${marker}"`)
    const run = /^\s*((?:`[^`]+`(?:,\s*)?)+)/.exec(text.slice(at + marker.length))
    return codeSpans(run?.[1] ?? '').sort()
  }
  const modules = registryModules()
  const working = [...modules].filter(([, works]) => works).map(([m]) => m).sort()
  const notYet = [...modules].filter(([, works]) => !works).map(([m]) => m).sort()
  assert.deepEqual(listAfter('Modules that work:'), working)
  assert.deepEqual(listAfter('Modules of features Sluice does not have yet:'), notYet)
})

test("the request-log page's key table gives the schema's defaults", () => {
  const text = readFileSync(join(ROOT, 'docs', 'request-log.md'), 'utf8')
  const log = getObjectType('virtual_servers')?.sections['log'] ?? {}
  let rows = 0
  for (const m of text.matchAll(/^\| `([a-z_]+)` \| `([^`]*)` \|/gm)) {
    const schema = log[m[1] ?? '']
    assert.ok(schema !== undefined, `log.${m[1] ?? ''} is a key`)
    assert.equal(m[2], String(defaultValue(schema)), `the default of log.${m[1] ?? ''}`)
    rows++
  }
  assert.ok(rows >= 4, 'the table was found')
})
