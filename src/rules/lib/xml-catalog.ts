/**
 * The stylesheets, schemas and DTDs rules use, compiled once per configuration: files from
 * `extra_files/` by name, and text passed inline (kept in a small cache). Includes and imports
 * may name other catalog files and nothing else.
 * @module
 */
import type { XmlHandle, XmlSupport } from './xml-native.ts'

/** A stylesheet, schema or DTD as text, with the catalog files its includes may name. */
export interface XmlSource {
  readonly kind: XmlKind
  readonly text: string
  readonly names: readonly string[]
  readonly texts: readonly string[]
}

export type XmlKind = 'xslt' | 'xsd' | 'dtd'

/** A compiled object, or why it could not be compiled (with a line when the addon knew one). */
export type XmlCompiled = { readonly ok: true; readonly handle: XmlHandle } | { readonly ok: false; readonly reason: string }

export const XML_KIND_LABEL: Readonly<Record<XmlKind, string>> = { xslt: 'stylesheet', xsd: 'schema', dtd: 'DTD' }

/** Bodies a rule may parse, by default (`trafficscript.xml_max_size`). */
export const DEFAULT_XML_MAX_BYTES = 1_048_576
/**
 * XPath and XSLT operations one call may take (libxml2's opLimit): about 10 ms of work on this
 * class of machine, far above what routing, validation and message transforms need.
 */
export const XML_OP_LIMIT = 1_000_000
/** Inline stylesheets, schemas and DTDs kept compiled, per configuration. */
const INLINE_CACHE_ENTRIES = 64

const BY_EXTENSION: ReadonlyMap<string, XmlKind> = new Map([['xsl', 'xslt'], ['xslt', 'xslt'], ['xsd', 'xsd'], ['dtd', 'dtd']])
const XSLT_NS = 'http://www.w3.org/1999/XSL/Transform'
const XSD_NS = 'http://www.w3.org/2001/XMLSchema'
// The first element after the prolog (declaration, comments, processing instructions).
const ROOT = /^\uFEFF?(?:\s+|<\?[^]*?\?>|<!--[^]*?-->)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/

/** What a configuration file is: by its extension, else by its root element; null if neither. */
export function xmlKindOf(name: string, text: string): XmlKind | null {
  const dot = name.lastIndexOf('.')
  const byName = dot < 0 ? undefined : BY_EXTENSION.get(name.slice(dot + 1).toLowerCase())
  if (byName !== undefined) return byName
  const root = ROOT.exec(text.slice(0, 4096))?.[1]
  if ((root === 'stylesheet' || root === 'transform') && text.includes(XSLT_NS)) return 'xslt'
  if (root === 'schema' && text.includes(XSD_NS)) return 'xsd'
  return null
}

/** Whether an argument is XML or DTD text rather than a catalog name (names never start with `<`). */
export function isInlineXml(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x3c) return true
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false
  }
  return false
}

export interface XmlLimits {
  /** Largest body (and inline text) parsed, in bytes. */
  readonly maxBytes: number
  /** XPath and XSLT operations per call. */
  readonly opLimit: number
}

export class XmlCatalog {
  readonly support: XmlSupport
  readonly maxBytes: number
  readonly opLimit: number
  readonly #files = new Map<string, { readonly kind: XmlKind | null; readonly text: string }>()
  readonly #names: string[] = []
  readonly #texts: string[] = []
  readonly #compiled = new Map<string, XmlCompiled>()
  readonly #inline = new Map<string, XmlCompiled>()

  /** `files` are the configuration's extra files; only XML ones are kept. */
  constructor(support: XmlSupport, files: ReadonlyMap<string, Buffer | string>, limits: XmlLimits) {
    this.support = support
    this.maxBytes = limits.maxBytes
    this.opLimit = limits.opLimit
    for (const [name, content] of files) {
      const text = typeof content === 'string' ? content : content.toString('latin1')
      if (!isInlineXml(text)) continue
      const kind = xmlKindOf(name, text)
      this.#files.set(name, { kind, text })
      if (kind !== null) {
        this.#names.push(name)
        this.#texts.push(text)
      }
    }
  }

  /** Compiles every file whose name or root element says what it is; every failure, by file. */
  compileKnown(): { readonly name: string; readonly kind: XmlKind; readonly reason: string }[] {
    const problems: { name: string; kind: XmlKind; reason: string }[] = []
    if (!this.support.ok) return problems
    for (const [name, file] of this.#files) {
      if (file.kind === null) continue
      const r = this.named(file.kind, name)
      if (!r.ok) problems.push({ name, kind: file.kind, reason: r.reason })
    }
    return problems
  }

  /** The compiled form of a catalog file or of inline text. */
  get(kind: XmlKind, nameOrText: string): XmlCompiled {
    return isInlineXml(nameOrText) ? this.inline(kind, nameOrText) : this.named(kind, nameOrText)
  }

  /** What a worker needs to compile the same thing itself (handles stay on their thread). */
  source(kind: XmlKind, nameOrText: string): XmlSource {
    if (isInlineXml(nameOrText)) return { kind, text: nameOrText, names: [], texts: [] }
    return { kind, text: this.#files.get(nameOrText)?.text ?? '', names: this.#names, texts: this.#texts }
  }

  named(kind: XmlKind, name: string): XmlCompiled {
    const key = `${kind}\0${name}`
    let r = this.#compiled.get(key)
    if (r === undefined) {
      const file = this.#files.get(name)
      r = file === undefined
        ? { ok: false, reason: `no XML file "${name}" in extra_files/` }
        : this.#compile(kind, file.text, true)
      this.#compiled.set(key, r)
    }
    return r
  }

  /** Inline text is compiled without the catalog (no includes), as `sluice check` compiles it. */
  inline(kind: XmlKind, text: string): XmlCompiled {
    const cache = this.#inline
    const key = kind + text
    const hit = cache.get(key)
    if (hit !== undefined) {
      cache.delete(key)
      cache.set(key, hit)
      return hit
    }
    const r = text.length > this.maxBytes
      ? { ok: false as const, reason: `the ${XML_KIND_LABEL[kind]} is ${text.length} bytes, over the limit of ${this.maxBytes}` }
      : this.#compile(kind, text, false)
    if (cache.size >= INLINE_CACHE_ENTRIES) {
      const oldest = cache.keys().next()
      if (oldest.done !== true) cache.delete(oldest.value)
    }
    cache.set(key, r)
    return r
  }

  #compile(kind: XmlKind, text: string, withCatalog: boolean): XmlCompiled {
    return compileXml(this.support, kind, text, withCatalog ? this.#names : [], withCatalog ? this.#texts : [])
  }
}

/** Compiles one stylesheet, schema or DTD; includes may name the given catalog files. */
export function compileXml(support: XmlSupport, kind: XmlKind, text: string, names: readonly string[] = [], texts: readonly string[] = []): XmlCompiled {
  if (!support.ok) return { ok: false, reason: support.reason }
  const a = support.addon
  const h = kind === 'xslt' ? a.compileXslt(text, names, texts) : kind === 'xsd' ? a.compileXsd(text, names, texts) : a.compileDtd(text)
  return h === null ? { ok: false, reason: a.lastError() } : { ok: true, handle: h }
}
