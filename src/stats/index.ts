/**
 * Statistics and logging of finished transactions: the request log.
 * @module
 */

export type { RequestLogRecord } from './request-log-record.ts'
export { compileLogFormat, DEFAULT_LOG_FORMAT } from './request-log-format.ts'
export type { LogLineFormatter } from './request-log-format.ts'
export { escapeLogValue, formatClfTime } from './request-log-escape.ts'
export { formatJsonRecord } from './request-log-json.ts'
export { RequestLogWriter } from './request-log-writer.ts'
export type { RequestLogWriterOptions, RequestLogWriterStats } from './request-log-writer.ts'
export { RequestLogRegistry, expandLogFilename, DEFAULT_LOG_FILENAME } from './request-log-registry.ts'
export { VirtualServerCounters, StatsRegistry } from './counters.ts'
export {
  virtualServerStatistics,
  poolStatistics,
  perPoolNodeStatistics,
  nodeStatistics,
  globalStatistics,
  stateSummary,
  nodeHealth,
  webCacheStatistics,
} from './statistics.ts'
export type { GenerationFigures, StatisticsSource, StatsPoolView, StatsNodeView, StatsWebCacheView, StatValues } from './statistics.ts'
export { renderPrometheus, METRICS, PROMETHEUS_CONTENT_TYPE } from './prometheus.ts'
export { bandwidthStatistics, protectionStatistics, rateStatistics, serviceLevelStatistics } from './class-statistics.ts'
export type { BandwidthCountersView, ServiceLevelCountersView, ClassesView, ProtectionCountersView, RateCountersView } from './class-statistics.ts'
export { captureStatistics, mergeStatistics } from './stats-merge.ts'
export type { StatsCapture } from './stats-merge.ts'
