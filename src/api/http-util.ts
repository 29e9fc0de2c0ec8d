/**
 * Small helpers for the control API's `node:http` handlers: bodies in, JSON and vTM errors out.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

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
export type ApiReply =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'raw'; readonly status: number; readonly body: Buffer | string; readonly contentType: string }
  | { readonly kind: 'empty'; readonly status: number }
  | { readonly kind: 'error'; readonly error: ApiError }

/** A JSON reply. */
export function json(status: number, body: unknown): ApiReply {
  return { kind: 'json', status, body }
}

/** A vTM-shaped error reply. */
export function apiError(status: number, id: string, text: string, info?: unknown): ApiReply {
  return { kind: 'error', error: info === undefined ? { status, id, text } : { status, id, text, info } }
}

/** Reads the whole body, or undefined when it is larger than `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const b = chunk as Buffer
    size += b.length
    if (size > limitBytes) return undefined
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}

/** Writes a reply; never throws (the client may have gone). */
export function send(res: ServerResponse, reply: ApiReply): void {
  if (res.headersSent || res.destroyed) return
  switch (reply.kind) {
    case 'json': {
      const text = `${JSON.stringify(reply.body, null, 2)}\n`
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
      if (e.status === 401) headers['www-authenticate'] = 'Basic realm="sluice"'
      res.writeHead(e.status, headers)
      res.end(text)
      return
    }
  }
}
