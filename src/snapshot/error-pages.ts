/**
 * The responses Sluice itself sends when a transaction fails, built once per configuration.
 * @module
 */

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

const EXPLANATION: Readonly<Record<number, string>> = {
  400: 'The request could not be understood.',
  403: 'Access to this service is not allowed from your address.',
  408: 'The request took too long to arrive.',
  413: 'The request body is too large.',
  414: 'The request line is too long.',
  431: 'The request header fields are too large.',
  500: 'The traffic manager failed to handle the request.',
  502: 'The service behind this address sent a response that could not be used, or could not be reached.',
  503: 'The service is not available right now. Please try again later.',
  504: 'The service behind this address did not answer in time.',
}

export const ERROR_STATUSES = [400, 403, 408, 413, 414, 431, 500, 502, 503, 504] as const
export type ErrorStatus = (typeof ERROR_STATUSES)[number]

/** The built-in page (vTM's `connection_errors.error_file` = "Default"). */
export function defaultErrorBody(status: number): string {
  const text = STATUS_TEXT[status] ?? 'Error'
  return (
    `<!DOCTYPE html>\n<html><head><title>${status} ${text}</title></head>\n` +
    `<body><h1>${status} ${text}</h1><p>${EXPLANATION[status] ?? ''}</p>` +
    '<hr><p>Sluice</p></body></html>\n'
  )
}

/** Complete responses (head and body), one with keep-alive and one closing, per status. */
export interface ErrorResponses {
  get(status: ErrorStatus, close: boolean): Buffer
}

/** Builds every error response once. `customBody` replaces the page body (an error_file). */
export function buildErrorResponses(customBody: Buffer | undefined): ErrorResponses {
  const keep = new Map<number, Buffer>()
  const closing = new Map<number, Buffer>()
  for (const status of ERROR_STATUSES) {
    const body = customBody ?? Buffer.from(defaultErrorBody(status), 'utf8')
    const head = (conn: string) =>
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: text/html; charset=utf-8\r\n` +
      `Content-Length: ${body.length}\r\nCache-Control: no-store\r\n${conn}\r\n`
    keep.set(status, Buffer.concat([Buffer.from(head(''), 'latin1'), body]))
    closing.set(status, Buffer.concat([Buffer.from(head('Connection: close\r\n'), 'latin1'), body]))
  }
  return {
    get(status: ErrorStatus, close: boolean): Buffer {
      const found = (close ? closing : keep).get(status)
      if (found === undefined) throw new Error(`no error page for ${status}`)
      return found
    },
  }
}
