/**
 * Stable error codes and the error class that carries them.
 * @module
 */

/** Every code a user or script may match on. `docs/errors.md` lists them. */
export const ERROR_CODES = {
  SLUICE_ERR_CONFIG_INVALID: 'The configuration failed validation',
  SLUICE_ERR_CONFIG_READ: 'A configuration file could not be read or parsed',
  SLUICE_ERR_LISTEN: 'A virtual server could not listen on its address',
  SLUICE_ERR_POOL_NO_NODES: 'The pool has no usable node',
  SLUICE_ERR_NODE_CONNECT: 'Connecting to a node failed',
  SLUICE_ERR_NODE_TIMEOUT: 'A node did not answer in time',
  SLUICE_ERR_NODE_BAD_RESPONSE: 'A node sent a response that could not be parsed',
  SLUICE_ERR_HTTP_BAD_REQUEST: 'A client sent a request that could not be parsed safely',
  SLUICE_ERR_USAGE: 'The command line was not understood',
} as const

export type SluiceErrorCode = keyof typeof ERROR_CODES

/** An error with a stable code; wrap causes with `{ cause }`. */
export class SluiceError extends Error {
  readonly code: SluiceErrorCode

  constructor(code: SluiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SluiceError'
    this.code = code
  }
}

/** Narrow an unknown caught value to a message string. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

/** For exhaustive switches over discriminated unions. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`)
}
