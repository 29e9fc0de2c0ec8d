/**
 * The OpenAPI document: structurally an OpenAPI 3.1 document, every $ref resolves, every path
 * parameter is declared, and every route the server answers is in it.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { listObjectTypes } from '../../src/config/index.ts'
import { pick, startApi } from './harness.ts'

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out)
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v)
      else refs(v, out)
    }
  }
  return out
}

test('the OpenAPI document is a valid 3.1 shape and covers every served route', async (t) => {
  const pool = { properties: { basic: { nodes_table: [{ node: '127.0.0.1:1' }] } } }
  const h = await startApi(t, { 'pools/web': pool }, 'web')
  const res = await h.call('GET', '/api/tm/8.3/openapi.json')
  assert.equal(res.status, 200)
  const doc = res.body as { openapi: string; info: Record<string, unknown>; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }
  assert.match(doc.openapi, /^3\.1\.\d+$/)
  assert.equal(typeof doc.info['title'], 'string')
  assert.equal(typeof doc.info['version'], 'string')
  for (const [path, item] of Object.entries(doc.paths)) {
    assert.match(path, /^\//, path)
    const ops = Object.entries(item).filter(([m]) => METHODS.includes(m))
    assert.ok(ops.length > 0, `${path} has operations`)
    for (const [method, op] of ops) {
      const responses = pick(op, 'responses') as Record<string, unknown> | undefined
      assert.ok(responses !== undefined && Object.keys(responses).length > 0, `${method} ${path} has responses`)
      for (const [code, r] of Object.entries(responses)) {
        assert.match(code, /^[1-5]\d\d$|^default$/)
        assert.equal(typeof pick(r, 'description'), 'string', `${method} ${path} ${code} has a description`)
      }
      const params = ((pick(op, 'parameters') ?? []) as { name: string; in: string; required?: boolean }[])
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        const p = params.find((x) => x.name === name && x.in === 'path')
        assert.ok(p?.required === true, `${method} ${path} declares path parameter ${String(name)}`)
      }
    }
  }
  for (const ref of refs(doc)) {
    const name = ref.replace(/^#\/components\/schemas\//, '')
    assert.ok(ref.startsWith('#/components/schemas/') && name in doc.components.schemas, `${ref} resolves`)
  }
  // Every configuration schema is generated from the validator's own schema data.
  for (const type of listObjectTypes()) {
    if (type.kind === 'raw') continue
    const sections = pick(doc.components.schemas[type.name], 'properties', 'properties', 'properties') as Record<string, unknown>
    assert.deepEqual(Object.keys(sections).sort(), Object.keys(type.sections).sort(), type.name)
  }

  const templates = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => ({ method: m.toUpperCase(), re: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`) })),
  )
  const served: [string, string][] = [
    ['GET', '/api/tm/'],
    ['GET', '/api/tm/8.3/'],
    ['GET', '/api/tm/8.3/openapi.json'],
    ['GET', '/metrics'],
    ['GET', '/api/tm/8.3/config/active/'],
    ['GET', '/api/tm/8.3/config/active/global_settings'],
    ['PUT', '/api/tm/8.3/config/active/global_settings'],
    ['GET', '/api/tm/8.3/status/'],
    ['GET', '/api/tm/8.3/status/local_tm/'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/globals'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/virtual_servers/'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/virtual_servers/vs'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/pools/'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/pools/web'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/nodes/'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/nodes/node/'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/nodes/node/127.0.0.1:1'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/nodes/per_pool_node/'],
    ['GET', '/api/tm/8.3/status/local_tm/statistics/nodes/per_pool_node/web-127.0.0.1:1'],
    ['GET', '/api/tm/8.3/status/local_tm/state'],
    ['GET', '/api/tm/8.3/status/local_tm/events'],
    ['GET', '/api/tm/8.3/status/local_tm/audit'],
  ]
  for (const type of listObjectTypes()) {
    if (type.kind === 'singleton') continue
    served.push(['GET', `/api/tm/8.3/config/active/${type.uri}/`])
    for (const m of ['GET', 'PUT', 'DELETE']) served.push([m, `/api/tm/8.3/config/active/${type.uri}/x`])
  }
  for (const [method, url] of served) {
    if (method === 'GET') assert.notEqual((await h.call('GET', url)).status >= 500, true, `${url} is served`)
    assert.ok(templates.some((tp) => tp.method === method && tp.re.test(url)), `${method} ${url} is documented`)
  }
  const gets = served.filter(([m, u]) => m === 'GET' && !u.endsWith('/x'))
  for (const [, url] of gets) assert.equal((await h.call('GET', url)).status, 200, `${url} answers 200`)
})

test('the event log can be filtered by severity, category, name and id', async (t) => {
  const h = await startApi(t, {})
  const emit = h.app.events.emit
  emit({ severity: 'info', category: 'config', name: 'confok', objects: {}, message: 'a' })
  emit({ severity: 'warn', category: 'pools', name: 'nodefail', objects: { pool: 'p' }, message: 'b' })
  emit({ severity: 'serious', category: 'pools', name: 'pooldied', objects: { pool: 'p' }, message: 'c' })
  const names = async (q: string) =>
    ((pick((await h.call('GET', `/api/tm/8.3/status/local_tm/events${q}`)).body, 'events') ?? []) as { name: string }[]).map((e) => e.name)
  assert.deepEqual(await names(''), ['confok', 'nodefail', 'pooldied'])
  assert.deepEqual(await names('?severity=warn'), ['nodefail', 'pooldied'])
  assert.deepEqual(await names('?category=pools&name=pooldied'), ['pooldied'])
  const all = pick((await h.call('GET', '/api/tm/8.3/status/local_tm/events')).body, 'events') as { id: number; time: string }[]
  assert.deepEqual(await names(`?since=${String(all[1]?.id)}`), ['pooldied'])
  assert.match(all[0]?.time ?? '', /^\d{4}-\d\d-\d\dT/)
  assert.equal((await h.call('GET', '/api/tm/8.3/status/local_tm/events?severity=loud')).status, 400)
})
