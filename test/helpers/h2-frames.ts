/**
 * A raw HTTP/2 client for defence tests: it writes frames as given (however hostile) and parses
 * the frames Sluice sends back, so a test can see GOAWAY and RST_STREAM codes.
 * @module
 */
import { connect, type Socket } from 'node:net'
import type { TestContext } from 'node:test'
import { onCleanup } from './cleanup.ts'

export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const
export const FLAG = { END_STREAM: 1, ACK: 1, END_HEADERS: 4 } as const

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')

/** One frame's bytes. */
export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9)
  head.writeUIntBE(payload.length, 0, 3)
  head[3] = type
  head[4] = flags
  head.writeUInt32BE(streamId & 0x7fffffff, 5)
  return Buffer.concat([head, payload])
}

/** An HPACK string literal (no Huffman coding), with a length prefix of 7 bits. */
export function hpackString(s: string): Buffer {
  const bytes = Buffer.from(s, 'latin1')
  return Buffer.concat([hpackInt(bytes.length, 7, 0), bytes])
}

/** An HPACK integer with an `n`-bit prefix and the given high bits. */
export function hpackInt(value: number, n: number, high: number): Buffer {
  const max = (1 << n) - 1
  if (value < max) return Buffer.from([high | value])
  const out = [high | max]
  let v = value - max
  while (v >= 128) {
    out.push((v % 128) + 128)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return Buffer.from(out)
}

/** A header block for `GET path` (static table entries, authority as a literal). */
export function getBlock(path = '/'): Buffer {
  const pathField = path === '/' ? Buffer.from([0x84]) : Buffer.concat([Buffer.from([0x04]), hpackString(path)])
  return Buffer.concat([Buffer.from([0x82, 0x86]), pathField, Buffer.from([0x01]), hpackString('127.0.0.1')])
}

export interface ReceivedFrame {
  readonly type: number
  readonly flags: number
  readonly streamId: number
  readonly payload: Buffer
}

export class RawH2 {
  readonly socket: Socket
  readonly frames: ReceivedFrame[] = []
  closed = false
  #buf = Buffer.alloc(0)

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (c: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, c])
      while (this.#buf.length >= 9) {
        const len = this.#buf.readUIntBE(0, 3)
        if (this.#buf.length < 9 + len) break
        this.frames.push({ type: this.#buf[3] ?? 0, flags: this.#buf[4] ?? 0, streamId: this.#buf.readUInt32BE(5) & 0x7fffffff, payload: this.#buf.subarray(9, 9 + len) })
        this.#buf = this.#buf.subarray(9 + len)
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      this.closed = true
    })
  }

  /** Connects and sends the preface and an empty SETTINGS frame. */
  static async open(t: TestContext, port: number): Promise<RawH2> {
    const socket = connect(port, '127.0.0.1')
    onCleanup(t, () => {
      socket.destroy()
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const c = new RawH2(socket)
    socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]))
    return c
  }

  /** Writes bytes; false when the socket is gone or full. */
  send(data: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false
    return this.socket.write(data)
  }

  /** The error code of the GOAWAY received, or -1. */
  get goawayCode(): number {
    const g = this.frames.find((f) => f.type === FRAME.GOAWAY)
    return g === undefined ? -1 : g.payload.readUInt32BE(4)
  }

  /** RST_STREAM codes received, by stream. */
  resets(): Map<number, number> {
    const out = new Map<number, number>()
    for (const f of this.frames) if (f.type === FRAME.RST_STREAM) out.set(f.streamId, f.payload.readUInt32BE(0))
    return out
  }

  /** Response HEADERS frames received, by stream. */
  responded(): Set<number> {
    return new Set(this.frames.filter((f) => f.type === FRAME.HEADERS).map((f) => f.streamId))
  }
}
