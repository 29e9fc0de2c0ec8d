/**
 * The XML addon (native/xml, npm package `sluice-xml`): libxml2 and libxslt behind Node-API.
 * It is an optional part of the install, so loading it is a value: the addon, or why it is
 * missing (rules that call xml.* are then refused when the configuration is checked).
 * @module
 */
import { createRequire } from 'node:module'

/** A compiled stylesheet, schema or DTD: an addon handle, freed when it is dropped. */
export type XmlHandle = object

/**
 * The addon's functions. Strings are latin1 byte strings both ways. A failed call returns its
 * error value (-1, null or false) and `lastError()` then says why.
 */
export interface XmlAddon {
  xpathCount(doc: string, nsmap: string, xpath: string, maxBytes: number, opLimit: number): number
  xpathNodeSet(doc: string, nsmap: string, xpath: string, maxBytes: number, opLimit: number): string | null
  checkXPath(xpath: string): boolean
  compileXslt(text: string, names: readonly string[], texts: readonly string[]): XmlHandle | null
  compileXsd(text: string, names: readonly string[], texts: readonly string[]): XmlHandle | null
  compileDtd(text: string): XmlHandle | null
  transform(sheet: XmlHandle, doc: string, maxBytes: number, opLimit: number): string | null
  /** 1 valid, 0 invalid, -1 when the document could not be read. */
  validateXsd(schema: XmlHandle, doc: string, maxBytes: number): number
  validateDtd(dtd: XmlHandle, doc: string, maxBytes: number): number
  lastError(): string
  versions(): string
}

/** Whether XML support is here: the addon, or the reason it is not. */
export type XmlSupport =
  | { readonly ok: true; readonly addon: XmlAddon; readonly versions: string }
  | { readonly ok: false; readonly reason: string }

const FUNCTIONS = [
  'xpathCount', 'xpathNodeSet', 'checkXPath', 'compileXslt', 'compileXsd', 'compileDtd', 'transform',
  'validateXsd', 'validateDtd', 'lastError', 'versions',
] as const

/** How to fix a missing addon, for check diagnostics and docs. */
export const XML_INSTALL_HINT = 'install libxml2-dev, libxslt1-dev and pkg-config, then run npm ci (docs/rules/xml.md)'

function isAddon(m: unknown): m is XmlAddon {
  if (typeof m !== 'object' || m === null) return false
  const rec = m as Record<string, unknown>
  return FUNCTIONS.every((f) => typeof rec[f] === 'function')
}

/** Loads the addon through `load` (the package by default); never throws. */
export function loadXmlSupport(load: () => unknown = () => createRequire(import.meta.url)('sluice-xml')): XmlSupport {
  try {
    const m = load()
    if (!isAddon(m)) return { ok: false, reason: 'the sluice-xml package is not the addon this version expects' }
    return { ok: true, addon: m, versions: m.versions() }
  } catch (e: unknown) {
    const why = e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e)
    return { ok: false, reason: `the XML addon (native/xml) is not installed (${why}); ${XML_INSTALL_HINT}` }
  }
}

let shared: XmlSupport | undefined

/** The process's XML support, loaded once. */
export function xmlSupport(): XmlSupport {
  shared ??= loadXmlSupport()
  return shared
}
