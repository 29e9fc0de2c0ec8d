/**
 * The TrafficScript rules engine: check and compile rules once per configuration, run them per
 * transaction against a TransactionView, read the Decision afterwards.
 * @module
 */
export { checkRules } from './check.ts'
export { RULE_OBJECT_TYPES } from './object-refs.ts'
export type { CheckOptions, CompiledRule, CompiledRuleSet } from './check.ts'
export { syntaxCheck } from './syntax-check.ts'
export type { SyntaxCheck } from './syntax-check.ts'
export { formatRuleDiagnostic } from './diagnostic.ts'
export type { RuleDiagnostic } from './diagnostic.ts'
export { runRule, runRules, DEFAULT_MAX_INSTRUCTIONS } from './run.ts'
export { DEFAULT_EXECUTION_WARNING_MS, DEFAULT_MAX_RUN_MS } from './run-state.ts'
export type { RunState } from './run-state.ts'
export type { RunEnv, RunOutcome } from './run.ts'
export { Decision } from './host.ts'
export { sameFieldName } from './field-name.ts'
export type {
  DataStore, GeneratedResponse, HeaderField, NodeState, OutboundRequest, OutboundResponse, PoolInfo,
  RateShaper, ServiceLevels, RulePhase, RuleServices, TlsCertFacts, TlsFacts, TransactionView,
} from './host.ts'
export { FunctionRegistry } from './registry.ts'
export type { BuiltinFn, FunctionDef, FunctionSpec, LibraryModule } from './registry.ts'
export { defaultRegistry, LIBRARY_MODULES, MemoryDataStore } from './lib/index.ts'
export { parse, DEFAULT_PARSE_LIMITS } from './parser.ts'
export { DEFAULT_XML_MAX_BYTES, XML_OP_LIMIT, XmlCatalog, xmlKindOf } from './lib/xml-catalog.ts'
export type { XmlCompiled, XmlKind, XmlLimits } from './lib/xml-catalog.ts'
export { loadXmlSupport, xmlSupport, XML_INSTALL_HINT } from './lib/xml-native.ts'
export type { XmlAddon, XmlSupport } from './lib/xml-native.ts'
export { createXmlModule, XML_ERROR_EVENT } from './lib/xml.ts'
export type { ParseLimits, ParseResult } from './parser.ts'
export { lex } from './lexer.ts'
export type { Token } from './lexer.ts'
export type { Expr, Program, Span, Stmt } from './ast.ts'
export { TsDouble, toStr, toInt, truthy, compare } from './value.ts'
export { regexFinds } from './regex.ts'
export type { Value } from './value.ts'
export { NO_RULES, runRuleList } from './rule-list.ts'
export type { PhaseRules, RuleBinding } from './rule-list.ts'
