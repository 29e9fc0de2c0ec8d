/**
 * Which requests may be sent to a node again after a failure.
 * @module
 */

/** RFC 9110 §9.2.2: methods whose requests can be repeated safely. */
export function isIdempotent(method: string): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'PUT':
    case 'DELETE':
    case 'OPTIONS':
    case 'TRACE':
      return true
    default:
      return false
  }
}
