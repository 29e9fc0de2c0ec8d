/**
 * Why a protection class refuses a connection or request, and what an HTTP client is told.
 * @module
 */

export const REFUSAL_REASONS = [
  'banned',
  'max_1_connections',
  'max_10_connections',
  'connection_rate',
  'max_url_length',
  'max_header_length',
  'max_request_length',
  'max_body_length',
  'reject_binary',
  'check_rfc2396',
] as const
export type RefusalReason = (typeof REFUSAL_REASONS)[number]

/** The status an HTTP client gets when `http.send_error_page` is on. */
export const REFUSAL_STATUS: Readonly<Record<RefusalReason, 400 | 403 | 413 | 414 | 431 | 503>> = {
  banned: 403,
  max_1_connections: 503,
  max_10_connections: 503,
  connection_rate: 503,
  max_url_length: 414,
  max_header_length: 431,
  max_request_length: 431,
  max_body_length: 413,
  reject_binary: 400,
  check_rfc2396: 400,
}

/** Refusals per reason, as statistics show them. */
export type RefusalCounts = Record<RefusalReason, number>

export function zeroCounts(): RefusalCounts {
  const counts: Partial<RefusalCounts> = {}
  for (const r of REFUSAL_REASONS) counts[r] = 0
  return counts as RefusalCounts
}
