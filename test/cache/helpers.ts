/**
 * Shared pieces of the web cache tests: a proxy with the cache on, a node whose answers a test
 * scripts per path, and a one-request client.
 * @module
 */
import type http from 'node:http'
import type { TestContext } from 'node:test'
import { startHttpNode, type HttpNode, type NodeRecord } from '../helpers/nodes.ts'
import { startProxy, type Proxy } from '../helpers/proxy.ts'
import { RawClient, type RawResponse } from '../helpers/raw-client.ts'

/** What the node answers for a path: status, fields and body. */
export interface Answer {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string | readonly string[]>>
  readonly body?: string
}

export type Script = (req: http.IncomingMessage, n: number) => Answer

/** A node that answers as `script` says; `n` counts the requests to that path (1 first). */
export async function scriptedNode(t: TestContext, script: Script): Promise<HttpNode> {
  const counts = new Map<string, number>()
  return startHttpNode(t, 'n', (req, res) => {
    req.resume()
    req.on('end', () => {
      const path = req.url ?? '/'
      const n = (counts.get(path) ?? 0) + 1
      counts.set(path, n)
      const a = script(req, n)
      res.statusCode = a.status ?? 200
      // A Date field has whole seconds, so the apparent age it gives may round up to 1 s;
      // scripts that assert an exact Age leave Date out with `Date: ''`.
      if (a.headers?.['Date'] === '') res.sendDate = false
      for (const [name, value] of Object.entries(a.headers ?? {})) if (value !== '') res.setHeader(name, value)
      res.end(a.body ?? `${path} #${String(n)}`)
    })
  })
}

/** A proxy in front of `node` with its web cache on; `vs` and `files` add configuration. */
export async function cachingProxy(
  t: TestContext,
  node: NodeRecord,
  webCache: Record<string, unknown> = {},
  more: { vs?: Record<string, Record<string, unknown>>; files?: Record<string, string> } = {},
): Promise<Proxy> {
  return startProxy(t, {
    nodes: [node.address],
    vs: { ...more.vs, web_cache: { enabled: true, ...webCache } },
    ...(more.files === undefined ? {} : { files: more.files }),
  })
}

/** Sends one request on a new connection and reads its response. */
export async function ask(t: TestContext, proxy: Proxy, path: string, fields: Readonly<Record<string, string>> = {}, method = 'GET', body = ''): Promise<RawResponse> {
  const client = await RawClient.connect(t, proxy.port)
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${fields['Host'] ?? 'site.example'}\r\n`
  for (const [name, value] of Object.entries(fields)) if (name !== 'Host') head += `${name}: ${value}\r\n`
  if (body !== '' || method === 'POST' || method === 'PUT') head += `Content-Length: ${String(Buffer.byteLength(body))}\r\n`
  client.write(`${head}\r\n${body}`)
  const res = await client.readResponse(2000, method === 'HEAD')
  client.close()
  return res
}

/** The one value of a response field, or undefined. */
export function field(res: RawResponse, name: string): string | undefined {
  return res.headers.get(name.toLowerCase())?.[0]
}
