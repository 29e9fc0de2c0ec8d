/**
 * A raw-socket HTTP client for tests: sends exact bytes and reads exact responses, framed by
 * Content-Length, chunked coding, or the end of the connection.
 * @module
 */
import net from 'node:net'
import type { TestContext } from 'node:test'
import { onCleanup } from './cleanup.ts'
import { waitFor } from './wait.ts'

/** One response as read from the wire. */
export interface RawResponse {
  readonly status: number
  /** The head as received (latin1), without the final empty line. */
  readonly head: string
  /** Lower-cased name -> values. */
  readonly headers: ReadonlyMap<string, readonly string[]>
  /** The de-chunked body. */
  readonly body: Buffer
}

export class RawClient {
  readonly socket: net.Socket
  #buf: Buffer = Buffer.alloc(0)
  ended = false
  closed = false

  private constructor(socket: net.Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk])
    })
    socket.on('end', () => {
      this.ended = true
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
    })
  }

  /** Connects to 127.0.0.1:`port`; closed when the test ends. */
  static async connect(t: TestContext, port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve()
      })
    })
    const client = new RawClient(socket)
    onCleanup(t, () => {
      client.close()
    })
    return client
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Bytes received and not yet consumed by readResponse, as latin1. */
  get unread(): string {
    return this.#buf.toString('latin1')
  }

  /** Reads exactly one response. `noBody` for answers to HEAD. */
  async readResponse(limitMs = 2000, noBody = false): Promise<RawResponse> {
    let parsed: { res: RawResponse; used: number } | null = null
    await waitFor(() => (parsed = tryParse(this.#buf, this.ended || this.closed, noBody)) !== null, 'a response', limitMs)
    const done = parsed as { res: RawResponse; used: number } | null
    if (done === null) throw new Error('unreachable')
    this.#buf = this.#buf.subarray(done.used)
    return done.res
  }

  /** Waits until the peer closed (or half-closed) the connection. */
  async waitEnd(limitMs = 2000): Promise<void> {
    await waitFor(() => this.ended || this.closed, 'the connection to end', limitMs)
  }

  close(): void {
    this.socket.destroy()
  }
}

function tryParse(buf: Buffer, atEnd: boolean, noBody: boolean): { res: RawResponse; used: number } | null {
  const headEnd = buf.indexOf('\r\n\r\n')
  if (headEnd === -1) return null
  const head = buf.toString('latin1', 0, headEnd)
  const lines = head.split('\r\n')
  const status = Number(lines[0]?.split(' ')[1])
  const headers = new Map<string, string[]>()
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()])
  }
  const start = headEnd + 4
  const make = (body: Buffer, used: number) => ({ res: { status, head, headers, body }, used })
  if (noBody || status === 204 || status === 304 || (status >= 100 && status < 200)) return make(Buffer.alloc(0), start)
  const te = headers.get('transfer-encoding')
  if (te !== undefined) return parseChunked(buf, start, make)
  const cl = headers.get('content-length')
  if (cl !== undefined) {
    const n = Number(cl[0])
    return buf.length - start >= n ? make(buf.subarray(start, start + n), start + n) : null
  }
  return atEnd ? make(buf.subarray(start), buf.length) : null
}

function parseChunked<T>(buf: Buffer, start: number, make: (body: Buffer, used: number) => T): T | null {
  const parts: Buffer[] = []
  let at = start
  for (;;) {
    const eol = buf.indexOf('\r\n', at)
    if (eol === -1) return null
    const size = parseInt(buf.toString('latin1', at, eol).split(';')[0] ?? '', 16)
    if (Number.isNaN(size)) throw new Error('bad chunk size from the proxy')
    if (size === 0) {
      const end = buf.indexOf('\r\n\r\n', eol)
      if (end === -1) return null
      return make(Buffer.concat(parts), end + 4)
    }
    if (buf.length < eol + 2 + size + 2) return null
    parts.push(buf.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

/** Connects, sends `data`, and reads everything until the proxy closes the connection. */
export async function exchangeUntilClose(t: TestContext, port: number, data: string | Buffer, limitMs = 2000): Promise<string> {
  const c = await RawClient.connect(t, port)
  try {
    c.write(data)
    await c.waitEnd(limitMs)
    return c.unread
  } finally {
    c.close()
  }
}
