/**
 * Accepted sockets that read into a buffer their connection owns.
 *
 * Node lets a socket read into a caller's buffer (`onread`) only for sockets it connects, not for
 * the ones a server accepts. Read through the stream instead, every read allocates a fresh 64 KiB
 * backing store, wraps it in a Buffer, pushes it through the Readable machinery and leaves it
 * for the garbage collector: about 1 µs of a proxied request on the benchmark machine, more than
 * all of Sluice's own HTTP parsing. So a just-accepted socket's handle is moved into a new
 * Socket created with `onread`, before anything has been read from it.
 *
 * The move relies on Node internals (`_handle`, `readStop`, `reading`, `useUserBuffer`). Each is
 * checked first; when one is missing the accepted socket is used as it is and reads go through
 * the stream (slower, same behaviour). A test fails if the move stops happening.
 * @module
 */
import { Socket } from 'node:net'
import { ReadBuffer } from './read-buffer.ts'

/** A client connection's read buffer, with the code each read's bytes go to. */
export class OwnedReads extends ReadBuffer {
  /** Receives each read's bytes; a view of the read buffer, valid until the next read. */
  sink: (chunk: Buffer) => void = () => undefined
}

interface StreamHandle {
  readStop(): number
  useUserBuffer(buf: Uint8Array): void
  reading?: boolean
}

interface SocketInternals {
  _handle: unknown
}

function isStreamHandle(h: unknown): h is StreamHandle {
  if (typeof h !== 'object' || h === null) return false
  const candidate = h as Partial<StreamHandle>
  return typeof candidate.readStop === 'function' && typeof candidate.useUserBuffer === 'function'
}

/**
 * Moves a socket the server has just accepted (nothing read yet, no listeners attached) into a
 * new Socket that reads into `reads`. Returns the new socket, or null when this Node does not
 * allow the move; the given socket is then untouched and still usable.
 */
export function adoptWithOwnedReads(accepted: Socket, reads: OwnedReads): Socket | null {
  const internals = accepted as unknown as SocketInternals
  const handle = internals._handle
  if (!isStreamHandle(handle) || accepted.bytesRead !== 0 || accepted.readableLength !== 0) return null
  // The server started reading in the same tick it accepted; no read has completed yet.
  handle.readStop()
  handle.reading = false
  // The old Socket lets go of the handle, and destroying it settles the server's count of its
  // connections without closing the descriptor the new Socket now owns.
  internals._handle = null
  accepted.destroy()
  const options = {
    handle,
    allowHalfOpen: accepted.allowHalfOpen,
    readable: true,
    writable: true,
    onread: reads.onread((chunk) => {
      reads.sink(chunk)
    }),
  }
  return new Socket(options as unknown as ConstructorParameters<typeof Socket>[0])
}
