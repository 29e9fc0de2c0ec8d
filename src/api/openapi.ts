/**
 * The OpenAPI 3.1 document of the control API, generated from the same schema data that
 * validates the configuration (OBJECT_TYPE_SCHEMAS), so the two cannot drift apart.
 * @module
 */
import { OBJECT_TYPE_SCHEMAS, keyHelp, type ColumnSchema, type KeySchema, type ObjectTypeSchema } from '../config/index.ts'
import { REDACTED, isWriteOnly } from './redact.ts'

type Json = Record<string, unknown>

const ERROR_REF = { $ref: '#/components/schemas/Error' }
const CHILDREN_REF = { $ref: '#/components/schemas/Children' }
const STATISTICS_REF = { $ref: '#/components/schemas/Statistics' }
const VERSION_PARAM = { name: 'version', in: 'path', required: true, schema: { type: 'string', enum: ['7.0', '8.0', '8.1', '8.2', '8.3'] } }
const NAME_PARAM = { name: 'name', in: 'path', required: true, schema: { type: 'string' } }

function valueSchema(s: KeySchema | ColumnSchema): Json {
  const out: Json = {}
  switch (s.type) {
    case 'bool':
      out['type'] = 'boolean'
      break
    case 'int':
      out['type'] = 'integer'
      break
    case 'float':
      out['type'] = 'number'
      break
    case 'string':
      out['type'] = 'string'
      break
    case 'stringList':
      out['type'] = 'array'
      out['items'] = { type: 'string' }
      break
    case 'table': {
      const cols = 'columns' in s ? (s.columns ?? {}) : {}
      const required = Object.entries(cols).filter(([, c]) => c.required === true).map(([n]) => n)
      out['type'] = 'array'
      out['items'] = {
        type: 'object',
        properties: Object.fromEntries(Object.entries(cols).map(([n, c]) => [n, valueSchema(c)])),
        additionalProperties: false,
        ...(required.length > 0 ? { required } : {}),
      }
      break
    }
    case 'ruleList':
      out['type'] = 'array'
      out['items'] = {
        oneOf: [
          { type: 'string' },
          { type: 'object', properties: { name: { type: 'string' }, enabled: { type: 'boolean' }, run_frequency: { type: 'string', enum: ['run_every', 'only_first'] } }, required: ['name'] },
        ],
      }
      break
  }
  if (s.enum !== undefined) out['enum'] = [...s.enum]
  if (s.min !== undefined) out['minimum'] = s.min
  if (s.max !== undefined) out['maximum'] = s.max
  if (s.default !== undefined) out['default'] = s.default
  return out
}

/** JSON Schema of one type's `{"properties": ...}` document. */
export function objectSchema(type: ObjectTypeSchema): Json {
  const sections: Json = {}
  for (const [section, keys] of Object.entries(type.sections)) {
    sections[section] = {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(keys).map(([k, s]) => {
          const help = keyHelp(type.uri, section, k)
          const schema = { ...valueSchema(s), ...(help === '' ? {} : { description: help }) }
          if (!isWriteOnly(type.uri, section, k)) return [k, schema]
          const note = `Write-only: a read shows "${REDACTED}" when it is set; sending that back keeps it.`
          return [k, { ...schema, writeOnly: true, description: help === '' ? note : `${help} ${note}` }]
        }),
      ),
      additionalProperties: false,
    }
  }
  return {
    type: 'object',
    properties: { properties: { type: 'object', properties: sections, additionalProperties: false } },
    required: ['properties'],
    additionalProperties: false,
  }
}

function reply(description: string, schema?: Json, mediaType = 'application/json'): Json {
  return schema === undefined ? { description } : { description, content: { [mediaType]: { schema } } }
}

const ERRORS = {
  '400': reply('Invalid request or configuration', ERROR_REF),
  '401': reply('Authentication required', ERROR_REF),
  '403': reply('Read-only user, or a Host or Origin that is not this API', ERROR_REF),
  '404': reply('Not found', ERROR_REF),
  '429': reply('Too many failed logins from this address; see Retry-After', ERROR_REF),
}

function listPath(summary: string): Json {
  return { get: { summary, parameters: [VERSION_PARAM], responses: { '200': reply('Children', CHILDREN_REF), ...ERRORS } } }
}

function objectPaths(type: ObjectTypeSchema): Record<string, Json> {
  const base = `/api/tm/{version}/config/active/${type.uri}`
  const ref = { $ref: `#/components/schemas/${type.name}` }
  if (type.kind === 'singleton') {
    return {
      [base]: {
        get: { summary: `Read ${type.name}`, parameters: [VERSION_PARAM], responses: { '200': reply('The object', ref), ...ERRORS } },
        put: { summary: `Update ${type.name} (partial)`, parameters: [VERSION_PARAM], requestBody: { required: true, content: { 'application/json': { schema: ref } } }, responses: { '200': reply('Updated', ref), ...ERRORS } },
      },
    }
  }
  const raw = type.kind === 'raw'
  const body = raw ? { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } : { 'application/json': { schema: ref } }
  const params = [VERSION_PARAM, NAME_PARAM]
  return {
    [`${base}/`]: listPath(`List ${type.uri}`),
    [`${base}/{name}`]: {
      get: { summary: `Read one ${type.name}`, parameters: params, responses: { '200': raw ? { description: 'The content', content: body } : reply('The object', ref), ...ERRORS } },
      put: {
        summary: `Create or partially update one ${type.name}`,
        parameters: params,
        requestBody: { required: true, content: body },
        responses: raw
          ? { '200': reply('Updated, with warnings (docs/api.md)'), '201': reply('Created'), '204': reply('Updated'), ...ERRORS }
          : { '200': reply('Updated', ref), '201': reply('Created', ref), ...ERRORS },
      },
      delete: { summary: `Delete one ${type.name}`, parameters: params, responses: { '200': reply('Deleted, with warnings (docs/api.md)'), '204': reply('Deleted'), '409': reply('Still referenced', ERROR_REF), ...ERRORS } },
    },
  }
}

function statusPaths(): Record<string, Json> {
  const st = '/api/tm/{version}/status/local_tm'
  const get = (summary: string, schema: Json, params: Json[] = [VERSION_PARAM]) => ({ get: { summary, parameters: params, responses: { '200': reply(summary, schema), ...ERRORS } } })
  const named = [VERSION_PARAM, NAME_PARAM]
  const since = { name: 'since', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } }
  return {
    '/api/tm/{version}/status/': listPath('Traffic managers'),
    [`${st}/`]: listPath('Status resources'),
    [`${st}/statistics/`]: listPath('Statistics resources'),
    [`${st}/statistics/globals`]: get('Process-wide statistics', STATISTICS_REF),
    [`${st}/statistics/virtual_servers/`]: listPath('Virtual servers with statistics'),
    [`${st}/statistics/virtual_servers/{name}`]: get('Virtual server statistics', STATISTICS_REF, named),
    [`${st}/statistics/pools/`]: listPath('Pools with statistics'),
    [`${st}/statistics/pools/{name}`]: get('Pool statistics', STATISTICS_REF, named),
    [`${st}/statistics/nodes/`]: listPath('Node statistics resources'),
    [`${st}/statistics/nodes/node/`]: listPath('Nodes'),
    [`${st}/statistics/nodes/node/{name}`]: get('Node statistics over all pools (name is host:port)', STATISTICS_REF, named),
    [`${st}/statistics/nodes/per_pool_node/`]: listPath('Nodes per pool'),
    [`${st}/statistics/nodes/per_pool_node/{name}`]: get('Node statistics in one pool (name is pool-host:port)', STATISTICS_REF, named),
    [`${st}/web_cache`]: {
      ...get('Web cache totals and limits', STATISTICS_REF),
      delete: {
        summary: 'Purge the web cache: one URL, a prefix, or everything (Sluice extension; admin role)',
        parameters: [
          VERSION_PARAM,
          { name: 'virtual_server', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'url', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'prefix', in: 'query', required: false, schema: { type: 'boolean' } },
        ],
        responses: { '200': reply('Entries purged', { type: 'object', properties: { purged: { type: 'integer' } } }), ...ERRORS },
      },
    },
    [`${st}/workers`]: get('The data-plane workers: index (0 is the primary), thread, connections accepted, restarts (Sluice extension)', {
      type: 'object',
      properties: { workers: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, thread_id: { type: 'integer' }, accepted: { type: 'integer' }, restarts: { type: 'integer' } } } } },
    }),
    [`${st}/workers/{name}/restart`]: {
      post: {
        summary: 'End worker {name} at once and start another in its place (Sluice extension; admin role)',
        parameters: [VERSION_PARAM, { name: 'name', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': reply('The worker restarted', { type: 'object', properties: { restarted: { type: 'integer' } } }), ...ERRORS },
      },
    },
    [`${st}/statistics/service_protection/`]: listPath('Service protection classes with statistics'),
    [`${st}/statistics/service_protection/{name}`]: get('Service protection class statistics: refusals by reason', STATISTICS_REF, named),
    [`${st}/statistics/bandwidth/`]: listPath('Bandwidth classes with statistics'),
    [`${st}/statistics/bandwidth/{name}`]: get('Bandwidth class statistics: maximum, bytes let through, connections paced', STATISTICS_REF, named),
    [`${st}/statistics/service_level_monitors/`]: listPath('Service level monitors with statistics'),
    [`${st}/statistics/service_level_monitors/{name}`]: get('Service level monitor statistics: conforming percent, responses, non-conforming', STATISTICS_REF, named),
    [`${st}/statistics/connection_rate_limit/`]: listPath('Rate classes with statistics'),
    [`${st}/statistics/connection_rate_limit/{name}`]: get('Rate class statistics: admitted, queued, dropped, backlog', STATISTICS_REF, named),
    [`${st}/state`]: get('Health summary', { type: 'object', properties: { state: { type: 'object' } } }),
    [`${st}/events`]: get('The event log', { type: 'object', properties: { events: { type: 'array', items: { type: 'object' } } } }, [
      VERSION_PARAM,
      since,
      { name: 'severity', in: 'query', required: false, schema: { type: 'string', enum: ['info', 'warn', 'serious', 'fatal'] } },
      { name: 'category', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'name', in: 'query', required: false, schema: { type: 'string' } },
    ]),
    [`${st}/audit`]: get('The audit log of configuration changes', { type: 'object', properties: { audit: { type: 'array', items: { type: 'object' } } } }, [VERSION_PARAM, since]),
  }
}

/** Builds the whole document. */
export function buildOpenApi(version: string): Json {
  const paths: Record<string, Json> = {
    '/api/tm/': { get: { summary: 'Supported API versions', responses: { '200': reply('Versions', CHILDREN_REF) } } },
    '/api/tm/{version}/': listPath('Resource families'),
    '/api/tm/{version}/config/active/': listPath('Configuration object types'),
    '/api/tm/{version}/openapi.json': { get: { summary: 'This document', parameters: [VERSION_PARAM], responses: { '200': reply('OpenAPI 3.1 document', { type: 'object' }) } } },
    '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': reply('Text exposition format 0.0.4', { type: 'string' }, 'text/plain') } } },
    ...statusPaths(),
  }
  const schemas: Record<string, Json> = {
    Error: {
      type: 'object',
      properties: { error: { type: 'object', properties: { error_id: { type: 'string' }, error_text: { type: 'string' }, error_info: { type: 'object' } }, required: ['error_id', 'error_text'] } },
      required: ['error'],
    },
    Children: {
      type: 'object',
      properties: { children: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, href: { type: 'string' } }, required: ['name', 'href'] } } },
      required: ['children'],
    },
    Statistics: { type: 'object', properties: { statistics: { type: 'object', additionalProperties: { type: ['number', 'string'] } } }, required: ['statistics'] },
  }
  for (const type of OBJECT_TYPE_SCHEMAS) {
    if (type.kind !== 'raw') schemas[type.name] = objectSchema(type)
    Object.assign(paths, objectPaths(type))
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Sluice control API', version, description: 'vTM-shaped REST API of the Sluice traffic manager.' },
    servers: [{ url: '/' }],
    components: { schemas, securitySchemes: { basic: { type: 'http', scheme: 'basic' } } },
    // Sluice's object types with their URI paths and storage kinds, for clients that build forms.
    'x-sluice-object-types': OBJECT_TYPE_SCHEMAS.map((t) => ({ name: t.name, uri: t.uri, kind: t.kind })),
    // Loopback callers may read statistics without credentials only while no users exist.
    security: [{ basic: [] }],
    paths,
  }
}
