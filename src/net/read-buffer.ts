/**
 * The memory a connection reads into (Node's `onread`), reused from read to read.
 *
 * Reusing it spares Node's allocation per read. The cost is that bytes handed out by a read are
 * only valid until the next read, so code that keeps them (a write that could not finish, a
 * partial head, a body waiting for its node) calls pin(). The next read then goes into the free
 * rest of the same memory when enough is left, otherwise into new memory. Reading on after the
 * kept bytes, rather than into fresh memory each time, keeps a client that sends one byte at a
 * time from holding a whole buffer per byte.
 * @module
 */

/** A connection's first buffer: room for nearly every request or response head in one read. */
export const FIRST_READ_BYTES = 4096
/** The buffer that follows a read that filled all the room it had: bodies read in large pieces. */
export const LARGE_READ_BYTES = 16384
/** Less room than this left after pinned bytes: the next read gets new memory. */
const MIN_READ_ROOM = 1024

export class ReadBuffer {
  #memory: Buffer | null = null
  #arrayBuffer: ArrayBufferLike = new ArrayBuffer(0)
  /** Where the room for the next read starts in #memory, and that room. */
  #offset = 0
  #room: Buffer | null = null
  #lastBytes = 0
  #isPinned = false

  /** Bytes a read just put there must stay as they are: the next read goes elsewhere. */
  pin(): void {
    this.#isPinned = true
  }

  /** Where the next read goes (called by the socket when it starts and after each read). */
  next(): Buffer {
    const room = this.#room
    if (room === null) return this.#fresh(FIRST_READ_BYTES)
    // A read that filled all its room means more is coming (a large body): read it in large pieces.
    const filled = this.#lastBytes === room.length
    if (!this.#isPinned) return filled && room.length < LARGE_READ_BYTES ? this.#fresh(LARGE_READ_BYTES) : room
    this.#isPinned = false
    const used = this.#offset + this.#lastBytes
    const memory = this.#memory
    if (memory !== null && memory.length - used >= MIN_READ_ROOM) {
      this.#offset = used
      this.#room = memory.subarray(used)
      return this.#room
    }
    return this.#fresh(filled ? LARGE_READ_BYTES : (memory?.length ?? FIRST_READ_BYTES))
  }

  /** The bytes the last read put into the room that next() gave out. */
  view(bytes: number): Buffer {
    this.#lastBytes = bytes
    return Buffer.from(this.#arrayBuffer, this.#offset, bytes)
  }

  /** Socket `onread` options that read into this buffer and hand each read's bytes to `deliver`. */
  onread(deliver: (chunk: Buffer) => void): { buffer: () => Buffer; callback: (bytes: number) => boolean } {
    return {
      buffer: () => this.next(),
      callback: (bytes: number): boolean => {
        deliver(this.view(bytes))
        return true
      },
    }
  }

  #fresh(size: number): Buffer {
    const memory = Buffer.allocUnsafeSlow(size)
    this.#memory = memory
    // Kept: reading a typed array's .buffer is not free, and every read needs it.
    this.#arrayBuffer = memory.buffer
    this.#offset = 0
    this.#room = memory
    return memory
  }
}
