/**
 * Small helpers for the control API's `node:http` handlers: bodies in, JSON and vTM errors out.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { gzipSync } from 'node:zlib'

/** JSON answers larger than this are gzipped for clients that accept it (the OpenAPI document is ~0.5 MB). */
const GZIP_ABOVE_BYTES = 16 * 1024

/** The largest request body the API reads (rules and extra files included). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024

/** vTM's error document: `{"error": {"error_id", "error_text", "error_info"}}`. */
export interface ApiError {
  readonly status: number
  readonly id: string
  readonly text: string
  readonly info?: unknown
}

/** A handler's answer; the server writes it. */
export type ApiReply = (
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'raw'; readonly status: number; readonly body: Buffer | string; readonly contentType: string }
  | { readonly kind: 'empty'; readonly status: number }
  | {
      readonly kind: 'error'
      readonly error: ApiError
      readonly retryAfterS?: number
      /** A 401 asks for Basic credentials unless this is false (the web UI logs in its own way). */
      readonly challenge?: boolean
    }
) & {
  /** More response header fields (the web UI's session cookie). */
  readonly headers?: Readonly<Record<string, string>>
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): ApiReply {
  return headers === undefined ? { kind: 'json', status, body } : { kind: 'json', status, body, headers }
}

/** A vTM-shaped error reply. */
export function apiError(status: number, id: string, text: string, info?: unknown): ApiReply {
  return { kind: 'error', error: info === undefined ? { status, id, text } : { status, id, text, info } }
}

/** `429 Too Many Requests` with `Retry-After` (whole seconds, at least 1). */
export function tooManyRequests(id: string, text: string, retryAfterMs: number): ApiReply {
  return { kind: 'error', error: { status: 429, id, text }, retryAfterS: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
}

/**
 * Reads the whole body when it is larger than `limitBytes` (a declared length is
 * refused before anything is read, a streamed one as soon as it goes over). Rejects when the
 * client goes away first. How long the read may take is the server's `requestTimeout`.
 */
export function readBody(req: IncomingMessage, limitBytes = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0')
  if (declared > limitBytes) return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limitBytes) {
        chunks.push(chunk)
        return
      }
      // The rest is never read: the reply closes the connection (see send).
      done()
      req.pause()
      resolve(undefined)
    }
    const onEnd = () => {
      done()
      resolve(Buffer.concat(chunks))
    }
    const onClose = () => {
      done()
      reject(new Error('the client closed the connection before the body was complete'))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
  })
}

/** How deeply a JSON body may nest; configuration documents need about six levels. */
export const MAX_JSON_DEPTH = 32

/**
 * Parses a JSON body, refusing nesting deeper than `maxDepth` before parsing, so a hostile
 * body cannot exhaust the stack of anything that walks the result.
 */
export function parseJsonBody(raw: Buffer, maxDepth = MAX_JSON_DEPTH): { ok: true; value: unknown } | { ok: false; reason: string } {
  let depth = 0
  let inString = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return { ok: false, reason: `the request body nests deeper than ${String(maxDepth)} levels` }
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown }
  } catch {
    return { ok: false, reason: 'the request body is not valid JSON' }
  }
}

/** Writes a reply; never throws (the client may have gone). */
export function send(res: ServerResponse, reply: ApiReply): void {
  if (res.headersSent || res.destroyed) return
  // A body left unread (too large, or not wanted) is not read on: the connection closes instead.
  if (!res.req.complete) res.shouldKeepAlive = false
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value)
  switch (reply.kind) {
    case 'json': {
      const text = `${JSON.stringify(reply.body, null, 2)}\n`
      if (text.length > GZIP_ABOVE_BYTES && /\bgzip\b/.test(res.req.headers['accept-encoding'] ?? '')) {
        const zipped = gzipSync(text)
        res.writeHead(reply.status, { 'content-type': 'application/json', 'content-encoding': 'gzip', vary: 'Accept-Encoding', 'content-length': zipped.length })
        res.end(zipped)
        return
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
      return
    }
    case 'raw':
      res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.body) })
      res.end(reply.body)
      return
    case 'empty':
      res.writeHead(reply.status)
      res.end()
      return
    case 'error': {
      const e = reply.error
      const doc = { error: { error_id: e.id, error_text: e.text, ...(e.info === undefined ? {} : { error_info: e.info }) } }
      const text = `${JSON.stringify(doc, null, 2)}\n`
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }
      if (e.status === 401 && reply.challenge !== false) headers['www-authenticate'] = 'Basic realm="sluice"'
      if (reply.retryAfterS !== undefined) headers['retry-after'] = reply.retryAfterS
      res.writeHead(e.status, headers)
      res.end(text)
      return
    }
  }
}
