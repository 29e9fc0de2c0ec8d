/**
 * The end of a gracefully closed stream connection. Each socket is destroyed once what was
 * written to it has left; a peer that stops reading would otherwise hold its socket (and the
 * file descriptor) for as long as it likes, so after the linger time the sockets are destroyed
 * anyway, unless their queued bytes are still moving (then the idle timeout bounds a stall).
 * @module
 */
import type { Socket } from 'node:net'
import { DrainWatch } from '../core/index.ts'

/** Where forced closes are counted (the virtual server's statistics). */
export interface LingerCounters {
  lingerTimeouts: number
}

function queuedBytes(client: Socket, node: Socket | null): number {
  return (client.destroyed ? 0 : client.writableLength) + (node === null || node.destroyed ? 0 : node.writableLength)
}

function allClosed(client: Socket, node: Socket | null): boolean {
  return client.destroyed && (node === null || node.destroyed)
}

/** Destroys `client` and `node` (both already ended) if they are still open after `lingerMs`. */
export function destroyAfterLinger(client: Socket, node: Socket | null, lingerMs: number, idleMs: number, counters: LingerCounters | null): void {
  const drain = new DrainWatch()
  drain.start(queuedBytes(client, node))
  const timer = setTimeout(() => {
    if (allClosed(client, node)) return
    if (drain.keepWaiting(queuedBytes(client, node), lingerMs, idleMs)) {
      timer.refresh()
      return
    }
    if (counters !== null) counters.lingerTimeouts++
    node?.destroy()
    client.destroy()
  }, lingerMs)
  timer.unref()
  const stop = (): void => {
    if (allClosed(client, node)) clearTimeout(timer)
  }
  client.once('close', stop)
  node?.once('close', stop)
}
