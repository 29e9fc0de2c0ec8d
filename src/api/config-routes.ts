/**
 * `/api/tm/<version>/config/active/...`: list, read, create or partially update, and delete
 * configuration objects.
 * @module
 */
import { getObjectType, listObjectTypes, type Diagnostic, type ObjectTypeSchema, type ValidConfig } from '../config/index.ts'
import { children, type ApiContext, type ApiRequest } from './api-context.ts'
import type { ChangeOutcome } from './config-editor.ts'
import { apiError, json, parseJsonBody, type ApiReply } from './http-util.ts'
import { hideWriteOnly, redactSecrets } from './redact.ts'

/** Splits the segments after `config/active/` into a type and an optional object name. */
export function resolveConfigTarget(segments: readonly string[]): { type: ObjectTypeSchema | undefined; rest: readonly string[]; prefix: string } {
  const two = segments.slice(0, 2).join('/')
  const twoType = segments.length >= 2 ? getObjectType(two) : undefined
  if (twoType !== undefined) return { type: twoType, rest: segments.slice(2), prefix: two }
  return { type: getObjectType(segments[0] ?? ''), rest: segments.slice(1), prefix: segments[0] ?? '' }
}

/** Handles one request below `config/active/`. */
export async function handleConfig(ctx: ApiContext, req: ApiRequest, base: string): Promise<ApiReply> {
  const segments = req.segments
  if (segments.length === 0 || (segments.length === 1 && getObjectType(segments[0] ?? '') === undefined)) {
    return listTypes(req, base, segments[0])
  }
  const { type, rest, prefix } = resolveConfigTarget(segments)
  if (type === undefined || rest.length > 1) return notFound(segments.join('/'))
  const name = type.kind === 'singleton' ? type.uri : rest[0]
  if (name === undefined || name === '') {
    if (req.method !== 'GET') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed on a list`)
    const config = ctx.app.snapshot?.config
    const names = type.kind === 'raw' ? config?.rawFiles.get(type.uri)?.keys() : config?.objects.get(type.uri)?.keys()
    return json(200, children(`${base}${prefix}/`, names ?? []))
  }
  switch (req.method) {
    case 'GET':
      return getObject(ctx, type, name)
    case 'PUT':
      return putObject(ctx, req, type, name)
    case 'DELETE':
      return deleteObject(ctx, req, type, name)
    default:
      return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed; use GET, PUT or DELETE`)
  }
}

function listTypes(req: ApiRequest, base: string, root: string | undefined): ApiReply {
  if (req.method !== 'GET') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed on a list`)
  const names = new Set<string>()
  for (const t of listObjectTypes()) {
    const [first = '', second] = t.uri.split('/')
    if (root === undefined) names.add(first)
    else if (first === root && second !== undefined) names.add(second)
  }
  if (names.size === 0) return notFound(root ?? '')
  return json(200, children(root === undefined ? base : `${base}${root}/`, [...names].sort()))
}

function notFound(what: string): ApiReply {
  return apiError(404, 'resource.not_found', `no such configuration resource: ${what}`)
}

function objectBody(config: ValidConfig, type: ObjectTypeSchema, name: string): ApiReply {
  if (type.kind === 'raw') {
    const bytes = config.rawFiles.get(type.uri)?.get(name)
    if (bytes === undefined) return notFound(`${type.uri}/${name}`)
    return { kind: 'raw', status: 200, body: bytes, contentType: 'application/octet-stream' }
  }
  const props = config.objects.get(type.uri)?.get(name)
  if (props === undefined) return notFound(`${type.uri}/${name}`)
  return json(200, { properties: hideWriteOnly(type.uri, props) })
}

function getObject(ctx: ApiContext, type: ObjectTypeSchema, name: string): ApiReply {
  const config = ctx.app.snapshot?.config
  if (config === undefined) return apiError(503, 'resource.unavailable', 'no configuration has been applied yet')
  return objectBody(config, type, name)
}

async function putObject(ctx: ApiContext, req: ApiRequest, type: ObjectTypeSchema, name: string): Promise<ApiReply> {
  const refused = refusal(ctx, req)
  if (refused !== undefined) return refused
  const raw = await req.body()
  if (raw === undefined) return apiError(413, 'resource.too_large', 'the request body is too large')
  let body: unknown = raw
  if (type.kind !== 'raw') {
    const parsed = parseJsonBody(raw)
    if (!parsed.ok) return apiError(400, 'resource.json_invalid', parsed.reason)
    body = parsed.value
  }
  const dryRun = req.query.get('dry_run')
  if (dryRun === 'true' || dryRun === '1') return previewReply(type, name, await ctx.editor.preview(type.uri, name, body))
  const outcome = await ctx.editor.put(type.uri, name, body)
  return finish(ctx, req, type, name, outcome)
}

/**
 * The answer to `PUT ...?dry_run=true`: the stored document before and after the change (secrets
 * masked) and the warnings, or the validation failure a real `PUT` would get.
 */
function previewReply(type: ObjectTypeSchema, name: string, outcome: ChangeOutcome): ApiReply {
  switch (outcome.kind) {
    case 'previewed':
      return json(200, {
        dry_run: true,
        is_new: outcome.isNew,
        before: redactSecrets(outcome.before),
        after: redactSecrets(outcome.after),
        ...(outcome.warnings.length === 0 ? {} : { warnings: outcome.warnings.map(diagnosticBody) }),
      })
    case 'invalid':
      return validationFailed(type, name, outcome.diagnostics, outcome.warnings ?? [])
    case 'not_found':
      return notFound(`${type.uri}/${name}`)
    case 'failed':
      return apiError(500, 'resource.write_failed', outcome.message)
    case 'conflict':
      return apiError(409, 'resource.conflict', outcome.message)
    case 'created':
    case 'updated':
    case 'deleted':
    case 'in_use':
      return apiError(500, 'internal.error', `a dry run ended as "${outcome.kind}"`)
  }
}

async function deleteObject(ctx: ApiContext, req: ApiRequest, type: ObjectTypeSchema, name: string): Promise<ApiReply> {
  const refused = refusal(ctx, req)
  if (refused !== undefined) return refused
  if (type.kind === 'singleton') return apiError(405, 'resource.method_not_allowed', `${type.uri} cannot be deleted`)
  return finish(ctx, req, type, name, await ctx.editor.delete(type.uri, name))
}

export function refusal(ctx: ApiContext, req: ApiRequest): ApiReply | undefined {
  if (req.principal.role !== 'admin') return forbidden(req)
  if (ctx.isReadOnly) return apiError(403, 'resource.read_only', 'this configuration is read-only (the built-in quick start); start with --config DIR to change it')
  const cluster = ctx.cluster?.refusal() ?? null
  if (cluster !== null) return apiError(503, 'cluster.unavailable', cluster)
  return undefined
}

function forbidden(req: ApiRequest): ApiReply {
  return apiError(403, 'auth.forbidden', `user "${req.principal.user}" has the readonly role and may not change the configuration`)
}

export async function finish(ctx: ApiContext, req: ApiRequest, type: ObjectTypeSchema, name: string, outcome: ChangeOutcome): Promise<ApiReply> {
  switch (outcome.kind) {
    case 'not_found':
      return notFound(`${type.uri}/${name}`)
    case 'previewed':
      return apiError(500, 'internal.error', 'a change ended as a dry run')
    case 'invalid':
      return validationFailed(type, name, outcome.diagnostics, outcome.warnings ?? [])
    case 'in_use':
      return apiError(409, 'resource.in_use', `${type.uri}/${name} is still used by ${outcome.referrers.join(', ')}`, {
        referrers: outcome.referrers,
      })
    case 'failed':
      return apiError(500, 'resource.write_failed', outcome.message)
    case 'conflict':
      return apiError(409, 'resource.conflict', outcome.message)
    case 'created':
    case 'updated':
    case 'deleted': {
      const action = outcome.kind === 'created' ? 'create' : outcome.kind === 'updated' ? 'update' : 'delete'
      await ctx.audit.record({
        user: req.principal.user,
        action,
        objectType: type.uri,
        objectName: type.kind === 'singleton' ? '' : name,
        before: redactSecrets(outcome.before),
        after: redactSecrets(outcome.after),
      })
      const object = type.kind === 'singleton' ? type.uri : `${type.uri}/${name}`
      ctx.app.events.emit({
        severity: 'info',
        category: 'config',
        name: action === 'create' ? 'confadd' : action === 'update' ? 'confmod' : 'confdel',
        objects: { object, user: req.principal.user },
        message: `${object} ${action === 'create' ? 'created' : action === 'update' ? 'updated' : 'deleted'} through the API by ${req.principal.user}`,
      })
      return successReply(outcome.kind, type, name, outcome.config, outcome.warnings)
    }
  }
}

/**
 * The success answer: the stored object for typed objects (201 or 200), nothing for raw files and
 * deletes (201 or 204). Warnings about the resulting configuration (what `sluice check` prints)
 * are added as `warnings`; a raw file or delete with warnings answers 200 (201) with them.
 */
function successReply(kind: 'created' | 'updated' | 'deleted', type: ObjectTypeSchema, name: string, config: ValidConfig, warnings: readonly Diagnostic[]): ApiReply {
  const status = kind === 'created' ? 201 : 200
  const extra = warnings.length === 0 ? {} : { warnings: warnings.map(diagnosticBody) }
  if (kind === 'deleted' || type.kind === 'raw') {
    if (warnings.length > 0) return json(status, extra)
    return { kind: 'empty', status: kind === 'created' ? 201 : 204 }
  }
  const reply = objectBody(config, type, name)
  return reply.kind === 'json' && typeof reply.body === 'object' && reply.body !== null ? json(status, { ...reply.body, ...extra }) : reply
}

/** One diagnostic as the API shows it. */
function diagnosticBody(d: Diagnostic): { object_type: string; object_name: string; key?: string; reason: string } {
  return { object_type: d.objectType, object_name: d.objectName, ...(d.key === undefined ? {} : { key: d.key }), reason: d.reason }
}

/**
 * vTM's `resource.validation_failed`, with every problem by section and key and as a list, and
 * the configuration's warnings.
 */
export function validationFailed(type: ObjectTypeSchema, name: string, diagnostics: readonly Diagnostic[], warnings: readonly Diagnostic[] = []): ApiReply {
  const properties: Record<string, Record<string, { error_id: string; error_text: string }>> = {}
  const objectName = type.kind === 'singleton' ? '' : name
  for (const d of diagnostics) {
    if (d.objectType !== type.uri || d.objectName !== objectName || d.key === undefined) continue
    const dot = d.key.indexOf('.')
    const section = dot === -1 ? d.key : d.key.slice(0, dot)
    const key = dot === -1 ? '' : d.key.slice(dot + 1)
    const entry = properties[section] ?? {}
    properties[section] = entry
    entry[key] = { error_id: 'property.invalid', error_text: d.reason }
  }
  const list = diagnostics.map(diagnosticBody)
  const keys = list.map((d) => (d.key === undefined ? `${d.object_type}/${d.object_name}` : d.key)).join(', ')
  return apiError(400, 'resource.validation_failed', `The resource provided is invalid: ${keys}`, {
    properties,
    diagnostics: list,
    ...(warnings.length === 0 ? {} : { warnings: warnings.map(diagnosticBody) }),
  })
}
