/**
 * The web UI's files, served by the API's own listener: the page, its style sheet, its
 * TypeScript modules (types stripped as they are served, so there is no build step) and the
 * chart library from node_modules. Nothing is fetched from anywhere else. Every answer carries
 * a Content-Security-Policy that allows scripts and styles from this origin only, is
 * compressed with gzip when the browser accepts it, and revalidates by ETag.
 * @module
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { createRequire, stripTypeScriptTypes } from 'node:module'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { errorMessage, type Logger } from '../core/index.ts'

/** Where the UI's own files are. */
export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'ui')

/** The URL prefix of every UI file. */
export const UI_PREFIX = '/ui/'

/**
 * Scripts and styles from this origin only (no inline script, no eval), no frames, no plugins,
 * no form posts elsewhere; API calls go to this origin.
 */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
}

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  ts: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  js: 'text/javascript; charset=utf-8',
}

/** UI file names: lower-case words, optional sub-folders, one of the served extensions. */
const UI_FILE = /^(?:[a-z0-9][a-z0-9-]*\/)*[a-z0-9][a-z0-9-]*\.(?:ts|css|svg|html)$/

/** Bare module names the UI imports, and the URL each is served at. */
const VENDOR_MODULES: Readonly<Record<string, string>> = { uplot: '/ui/vendor/uplot.js' }

interface Asset {
  readonly body: Buffer
  readonly gzip: Buffer
  readonly etag: string
  readonly contentType: string
  readonly mtimeMs: number
}

/** A file the UI serves: where it comes from and how it is turned into what is sent. */
interface Source {
  readonly file: string
  readonly contentType: string
  readonly transform: (text: string) => string
}

export class UiAssets {
  readonly #logger: Logger
  readonly #cache = new Map<string, Asset>()

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /**
   * Whether a request is the UI's: `/` asked for by a browser (it accepts HTML; scripts keep
   * getting the JSON resource list), or anything under `/ui/`.
   */
  static isUiRequest(method: string, path: string, accept: string | undefined): boolean {
    if (method !== 'GET' && method !== 'HEAD') return false
    if (path.startsWith(UI_PREFIX)) return true
    return path === '/' && (accept ?? '').includes('text/html')
  }

  /** Serves one UI file (404 when there is none). */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    req.resume()
    const source = sourceOf(path)
    const asset = source === undefined ? undefined : await this.#load(path, source)
    if (asset === undefined) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
      res.end('not found\n')
      return
    }
    const headers: Record<string, string | number> = { ...SECURITY_HEADERS, 'content-type': asset.contentType, etag: asset.etag, vary: 'Accept-Encoding' }
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    const useGzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
    const body = useGzip ? asset.gzip : asset.body
    if (useGzip) headers['content-encoding'] = 'gzip'
    headers['content-length'] = body.length
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  async #load(path: string, source: Source): Promise<Asset | undefined> {
    let mtimeMs: number
    try {
      const s = await stat(source.file)
      if (!s.isFile()) return undefined
      mtimeMs = s.mtimeMs
    } catch {
      return undefined
    }
    const cached = this.#cache.get(path)
    if (cached?.mtimeMs === mtimeMs) return cached
    let text: string
    try {
      text = source.transform(await readFile(source.file, 'utf8'))
    } catch (e: unknown) {
      this.#logger.error(`ui: ${source.file}: ${errorMessage(e)}`)
      return undefined
    }
    const body = Buffer.from(text)
    const asset: Asset = {
      body,
      gzip: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      contentType: source.contentType,
      mtimeMs,
    }
    this.#cache.set(path, asset)
    return asset
  }
}

/** The file behind a UI path, or undefined when the path names none. */
function sourceOf(path: string): Source | undefined {
  if (path === '/' || path === UI_PREFIX) return { file: join(UI_DIR, 'index.html'), contentType: TYPES['html'] ?? '', transform: same }
  if (path === '/ui/vendor/uplot.js') {
    // The minified build defines `var uPlot`; exporting it makes the same file an ES module.
    return { file: join(uplotDir(), 'dist', 'uPlot.iife.min.js'), contentType: TYPES['js'] ?? '', transform: (t) => `${t}\nexport default uPlot;\n` }
  }
  if (path === '/ui/vendor/uplot.css') return { file: join(uplotDir(), 'dist', 'uPlot.min.css'), contentType: TYPES['css'] ?? '', transform: same }
  const name = path.slice(UI_PREFIX.length)
  if (!UI_FILE.test(name) || name.endsWith('.test.ts')) return undefined
  const file = resolve(UI_DIR, name)
  if (!file.startsWith(UI_DIR + sep)) return undefined
  const ext = name.slice(name.lastIndexOf('.') + 1)
  return { file, contentType: TYPES[ext] ?? 'application/octet-stream', transform: ext === 'ts' ? toJavaScript : same }
}

function same(text: string): string {
  return text
}

function uplotDir(): string {
  return dirname(createRequire(import.meta.url).resolve('uplot/package.json'))
}

/** TypeScript to the JavaScript a browser runs: types erased, bare imports pointed at their URLs. */
export function toJavaScript(source: string): string {
  return quietly(() => stripTypeScriptTypes(source, { mode: 'strip' })).replace(
    /(\bfrom\s*)(['"])([a-z][a-z0-9-]*)\2/g,
    (whole, from: string, quote: string, name: string) => {
      const url = VENDOR_MODULES[name]
      return url === undefined ? whole : `${from}${quote}${url}${quote}`
    },
  )
}

/**
 * Runs `work` without the one-time "experimental feature" warning Node prints for
 * stripTypeScriptTypes: the function is what Node itself uses to run Sluice, and the warning
 * would reach an operator's terminal on the first page load.
 */
function quietly<T>(work: () => T): T {
  const original = Object.getOwnPropertyDescriptor(process, 'emitWarning')
  const emit: unknown = original?.value
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    const text = typeof warning === 'string' ? warning : warning.message
    if (!text.includes('stripTypeScriptTypes') && typeof emit === 'function') Reflect.apply(emit, process, [warning, ...rest])
  }
  if (original !== undefined) Object.defineProperty(process, 'emitWarning', { ...original, value: filtered })
  try {
    return work()
  } finally {
    if (original !== undefined) Object.defineProperty(process, 'emitWarning', original)
  }
}
