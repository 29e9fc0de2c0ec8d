/**
 * TCP nodes that answer with their name, and a client that sends one message and reads the
 * whole answer, for persistence and rule tests on generic TCP virtual servers.
 * @module
 */
import { connect } from 'node:net'
import type { TestContext } from 'node:test'
import { startRawNode, type RawNode } from '../helpers/nodes.ts'

/** A node that answers `name` to the first bytes of a connection and closes it. */
export function startNamedNode(t: TestContext, name: string): Promise<RawNode> {
  return startRawNode(t, (s) => {
    s.end(name)
  })
}

export interface Answer {
  readonly text: string
  /** True when the proxy closed the connection; false when `limitMs` passed first. */
  readonly closed: boolean
}

/** Connects, sends `data` (nothing when empty), and collects the answer until the connection closes. */
export function ask(port: number, data: string | Buffer, limitMs = 3000, endAfterWrite = false): Promise<Answer> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    let text = ''
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ text, closed: false })
    }, limitMs)
    s.on('error', () => undefined)
    s.on('data', (c: Buffer) => (text += c.toString('latin1')))
    s.on('close', () => {
      clearTimeout(timer)
      resolve({ text, closed: true })
    })
    if (data.length > 0) s.write(data)
    if (endAfterWrite) s.end()
  })
}
