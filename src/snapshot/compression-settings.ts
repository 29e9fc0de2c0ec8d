/**
 * Content compression for one virtual server (vTM section `gzip`, plus Sluice's `encodings`,
 * `brotli_level` and `zstd_level`), compiled once per snapshot: the MIME matcher, the size limits
 * and the options each compressor is made with, so a response that qualifies allocates only its
 * compressor.
 * @module
 */
import { constants, type BrotliOptions, type ZlibOptions, type ZstdOptions } from 'node:zlib'
import type { VirtualServerProperties } from '../config/index.ts'

/** The content codings Sluice can produce (RFC 9110 §8.4.1, RFC 7932, RFC 8878). */
export type ContentCoding = 'gzip' | 'br' | 'zstd'

export type EtagRewrite = 'delete' | 'ignore' | 'weaken' | 'wrap'

/** Counts of what the compression phase did, per virtual server (the statistics keep them). */
export interface CompressionCounters {
  /** Responses sent compressed (vTM statistic `gzip`). */
  compressedResponses: number
  /** Body bytes compression kept off the wire: bytes in less bytes out (vTM `gzip_bytes_saved`). */
  compressionBytesSaved: number
}

export interface CompressionSettings {
  /**
   * `gzip.enabled`. Off, the settings exist only for rules that call http.compress.enable (a
   * virtual server with neither has no settings and no compression phase).
   */
  readonly enabled: boolean
  /** The codings offered, in the order preferred when a client likes several equally. */
  readonly codings: readonly ContentCoding[]
  readonly gzip: ZlibOptions
  readonly brotli: BrotliOptions
  readonly zstd: ZstdOptions
  /** Content types matched whole (lower case, without parameters). */
  readonly mimeExact: ReadonlySet<string>
  /** Content type prefixes, from entries that end in `*`. */
  readonly mimePrefixes: readonly string[]
  readonly minSize: number
  /** 0: no limit. */
  readonly maxSize: number
  /** Compress bodies whose length the node did not state. */
  readonly noSize: boolean
  readonly etagRewrite: EtagRewrite
  /**
   * Per coding, the largest body of known length compressed whole, in one synchronous call (0:
   * always streamed, on the thread pool): sized so that one call holds the event loop for about
   * half a millisecond at most at the configured level.
   */
  readonly wholeMaxBytes: Readonly<Record<ContentCoding, number>>
  /** HTTP/1.1 clients get a compressed body chunked; off: only when the connection ends anyway. */
  readonly chunk: boolean
  /** Null when statistics are not kept. */
  readonly counters: CompressionCounters | null
}

/** vTM's types when `include_mime` is empty. */
const DEFAULT_MIME_TYPES: readonly string[] = ['text/html', 'text/plain']

/**
 * Output buffer of each compressor: large enough that a 20 KB page leaves in one or two pieces,
 * small enough to bound memory per response.
 */
const CHUNK_BYTES = 16 * 1024

/**
 * Window sizes chosen to bound memory per response: brotli's and zstd's defaults (4 MB and up)
 * would let a few hundred slow clients hold gigabytes. 2^18 = 256 KiB matches what gzip needs.
 */
const WINDOW_LOG = 18

/** zstd's match tables: 2^16 entries each, about 1 MiB per stream in all at any level. */
const ZSTD_TABLE_LOG = 16

/** The largest body ever compressed whole. */
export const MAX_WHOLE_BODY_BYTES = 64 * 1024

/**
 * How large a body each coding compresses whole at a level, from measurements of 64 KiB of HTML
 * on the development machine: gzip 0.2 ms at level 1 to 1.1 ms at 9; brotli 0.6 ms at 4, 1.5 ms
 * at 6, 4.6 ms at 9, 21 ms at 11; zstd 0.1 ms at 3, 0.3 ms at 9, 5.9 ms at 19.
 */
export function wholeBodyLimits(gzipLevel: number, brotliLevel: number, zstdLevel: number): Readonly<Record<ContentCoding, number>> {
  const K = 1024
  const most = MAX_WHOLE_BODY_BYTES
  return Object.freeze({
    gzip: gzipLevel <= 6 ? most : 32 * K,
    br: brotliLevel <= 4 ? most : brotliLevel <= 6 ? 16 * K : brotliLevel <= 9 ? 8 * K : 0,
    zstd: zstdLevel <= 9 ? most : zstdLevel <= 15 ? 16 * K : 0,
  })
}

/** What went wrong with the `gzip` section, as a key and a reason; null when it is usable. */
export type CompressionProblem = { readonly key: string; readonly reason: string }

/**
 * The compression settings of a virtual server: null when it is off and no rule can switch it on
 * (`ruleMayEnable`: one of its rules may call http.compress.enable). Problems are reported only
 * for an enabled section; a disabled one that would not work leaves rules nothing to enable.
 */
export function compileCompression(
  vs: VirtualServerProperties,
  ruleMayEnable: boolean,
  counters: CompressionCounters | null,
  report: (p: CompressionProblem) => void,
): CompressionSettings | null {
  const g = vs.gzip
  if (!g.enabled && !ruleMayEnable) return null
  const problem = (p: CompressionProblem): void => {
    if (g.enabled) report(p)
  }
  const codings: ContentCoding[] = []
  for (const coding of g.encodings) {
    if (codings.includes(coding)) {
      problem({ key: 'gzip.encodings', reason: `names ${coding} twice` })
      return null
    }
    codings.push(coding)
  }
  if (codings.length === 0) {
    problem({ key: 'gzip.encodings', reason: 'is empty, so nothing could be compressed; name at least one of br, gzip, zstd' })
    return null
  }
  if (g.max_size > 0 && g.max_size < g.min_size) {
    problem({ key: 'gzip.max_size', reason: `${String(g.max_size)} is below gzip.min_size (${String(g.min_size)}), so nothing could be compressed` })
    return null
  }
  const exact = new Set<string>()
  const prefixes: string[] = []
  for (const raw of g.include_mime.length > 0 ? g.include_mime : DEFAULT_MIME_TYPES) {
    const type = raw.trim().toLowerCase()
    if (type === '') continue
    if (type.endsWith('*')) prefixes.push(type.slice(0, -1))
    else exact.add(type)
  }
  return Object.freeze({
    enabled: g.enabled,
    codings: Object.freeze(codings),
    gzip: Object.freeze({ level: g.compress_level, chunkSize: CHUNK_BYTES }),
    brotli: Object.freeze({
      chunkSize: CHUNK_BYTES,
      params: {
        [constants.BROTLI_PARAM_QUALITY]: g.brotli_level,
        [constants.BROTLI_PARAM_LGWIN]: WINDOW_LOG,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
    zstd: Object.freeze({
      chunkSize: CHUNK_BYTES,
      params: {
        [constants.ZSTD_c_compressionLevel]: g.zstd_level,
        [constants.ZSTD_c_windowLog]: WINDOW_LOG,
        // zstd's own tables for its middle and high levels reach 10 to 25 MiB per stream.
        [constants.ZSTD_c_hashLog]: ZSTD_TABLE_LOG,
        [constants.ZSTD_c_chainLog]: ZSTD_TABLE_LOG,
      },
    }),
    mimeExact: exact,
    mimePrefixes: Object.freeze(prefixes),
    minSize: g.min_size,
    maxSize: g.max_size,
    noSize: g.no_size,
    etagRewrite: g.etag_rewrite,
    wholeMaxBytes: wholeBodyLimits(g.compress_level, g.brotli_level, g.zstd_level),
    chunk: g.chunk,
    counters,
  })
}
