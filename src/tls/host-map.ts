/**
 * SNI host name to value, with exact names and `*.domain` wildcards (one label, as in RFC 6125
 * §6.4.3). Built once per snapshot; a lookup allocates only the lower-cased name.
 * @module
 */

export class HostMap<T> {
  readonly #exact = new Map<string, T>()
  readonly #wildcard = new Map<string, T>()

  /** Adds `host` (`www.example.com` or `*.example.com`); the first entry for a name wins. */
  add(host: string, value: T): void {
    const name = host.trim().toLowerCase().replace(/\.$/, '')
    if (name.startsWith('*.')) {
      const suffix = name.slice(1)
      if (!this.#wildcard.has(suffix)) this.#wildcard.set(suffix, value)
    } else if (!this.#exact.has(name)) {
      this.#exact.set(name, value)
    }
  }

  get size(): number {
    return this.#exact.size + this.#wildcard.size
  }

  /** The value for a name the client sent, or undefined. A wildcard never matches the bare domain. */
  lookup(serverName: string): T | undefined {
    const name = serverName.toLowerCase().replace(/\.$/, '')
    const exact = this.#exact.get(name)
    if (exact !== undefined) return exact
    const dot = name.indexOf('.')
    if (dot <= 0) return undefined
    return this.#wildcard.get(name.slice(dot))
  }
}

/** True when `host` is a name HostMap accepts: letters, digits, `-`, `.`, optionally `*.` first. */
export function isValidHostPattern(host: string): boolean {
  return /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(host.trim())
}
