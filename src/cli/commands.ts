/**
 * Every `sluice` command with its options, an example and its exit codes: the one table that
 * `sluice help`, `--help` on each command, the option check and docs/reference/cli.md read.
 * @module
 */

/** One option of a command. */
export interface OptionHelp {
  /** `--config`; the value placeholder goes in `value`. */
  readonly name: string
  /** `DIR`, `N`, ...; absent for a flag. */
  readonly value?: string
  readonly text: string
  /** The option may be given more than once. */
  readonly repeats?: boolean
}

/** One command. */
export interface CommandHelp {
  /** The words that name it: `start`, `rule test`. */
  readonly name: string
  readonly usage: string
  readonly summary: string
  /** More lines after the summary. */
  readonly details: readonly string[]
  readonly options: readonly OptionHelp[]
  readonly examples: readonly string[]
  readonly exitCodes: readonly (readonly [number, string])[]
}

/** Exit status of a command that was used wrongly (unknown option, missing value). */
export const EXIT_USAGE = 2

const USAGE_EXIT: readonly [number, string] = [EXIT_USAGE, 'wrong usage: an unknown command or option, or a missing value']

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionHelp[] = [
  { name: '--help', text: 'show the help of the command (also -h)' },
  { name: '--version', text: 'print the version and exit 0 (also -V)' },
]

const RULE_TEST_OPTIONS: readonly OptionHelp[] = [
  { name: '--config', value: 'DIR', text: "take rules by name from DIR/rules; pool.* sees DIR's pools" },
  { name: '--method', value: 'M', text: 'request method (default GET)' },
  { name: '--url', value: 'URL', text: 'a path or an absolute URL (default /)' },
  { name: '--header', value: "'Name: value'", text: 'a request header', repeats: true },
  { name: '--body', value: 'TEXT', text: 'the request body' },
  { name: '--body-file', value: 'FILE', text: 'the request body, from a file' },
  { name: '--client', value: 'IP', text: "the client's address (default 127.0.0.1)" },
  { name: '--tls', text: 'the request came over TLS' },
  { name: '--node', value: 'HOST:PORT', text: 'the node chosen, for response and completion rules' },
  { name: '--phase', value: 'PHASE', text: 'request, response or completion (default request)' },
  { name: '--response-status', value: 'N', text: "the node's response status" },
  { name: '--response-header', value: "'Name: value'", text: "a header of the node's response", repeats: true },
  { name: '--response-body', value: 'TEXT', text: "the node's response body" },
  { name: '--response-body-file', value: 'FILE', text: "the node's response body, from a file" },
  { name: '--http-response', value: 'URL=STATUS:BODY', text: 'the answer http.request.* gets for URL (others fail)', repeats: true },
  { name: '--max-instr', value: 'N', text: 'instruction budget per rule run' },
  { name: '--variable-pool-use', text: 'allow pool names chosen at run time' },
  { name: '--json', text: 'print the report as JSON' },
]

/** Every command, in the order `sluice help` lists them. */
export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'start',
    usage: 'sluice start [--config DIR] [--log-level LEVEL] [--log-format text|json] [--drain-seconds N] [--workers N] [--api HOST:PORT|off] [--cluster redis://HOST:PORT/DB] [--member-name NAME]',
    summary: 'Run the traffic manager.',
    details: [
      'Without --config it runs the built-in quick-start configuration with three demo nodes on',
      '127.0.0.1:9001-9003. SIGHUP (and any change to the directory) re-reads the configuration;',
      'SIGTERM or SIGINT stops accepting, lets open requests finish and exits 0. The process log',
      'goes to standard error, one line per message, with a timestamp and a level.',
    ],
    options: [
      { name: '--config', value: 'DIR', text: 'configuration directory (default: the built-in quick start)' },
      { name: '--log-level', value: 'LEVEL', text: 'debug, info, warn or error (default info)' },
      { name: '--log-format', value: 'FORMAT', text: 'text (default) or json: one JSON object per line, for log shippers' },
      { name: '--drain-seconds', value: 'N', text: 'on SIGTERM or SIGINT, time allowed for open requests (default 10)' },
      { name: '--workers', value: 'N', text: 'data-plane workers (threads) serving traffic (default: global_settings basic.workers, whose 0 means one per core); 1 keeps one thread' },
      {
        name: '--api',
        value: 'HOST:PORT',
        text: 'REST API address (default 127.0.0.1:9070, or "listen" in DIR/.sluice/api.json); "off" disables it. Any address other than loopback needs tls_cert and tls_key in api.json. If DIR has no API users, the first start creates "admin" and prints its password once',
      },
      {
        name: '--cluster',
        value: 'URL',
        text: 'join the cluster whose shared store is this Redis (or Valkey) server: redis://[:PASSWORD@]HOST:PORT/DB, rediss:// for TLS (default: global_settings cluster.redis_url; empty: run alone). See docs/cluster.md',
      },
      { name: '--member-name', value: 'NAME', text: "this member's name in the cluster (default: the host name, with the API port when it is not 9070)" },
    ],
    examples: ['sluice start --config /etc/sluice --log-format json', 'sluice start                  # the quick start on http://127.0.0.1:8080/'],
    exitCodes: [
      [0, 'stopped on SIGTERM or SIGINT'],
      [1, 'did not start: an invalid configuration, an address in use, or the API could not listen'],
      USAGE_EXIT,
    ],
  },
  {
    name: 'check',
    usage: 'sluice check --config DIR [--effective]',
    summary: 'Validate a configuration without starting anything.',
    details: [
      'Loads, validates and builds the configuration exactly as start and a reload do, and prints',
      'every problem and warning with its file, object, key and reason.',
    ],
    options: [
      { name: '--config', value: 'DIR', text: 'configuration directory (required)' },
      {
        name: '--effective',
        text: 'print the effective configuration (every default filled in) as JSON on standard output; problems and warnings go to standard error',
      },
    ],
    examples: ['sluice check --config /etc/sluice', 'sluice check --config /etc/sluice --effective | jq .pools'],
    exitCodes: [[0, 'valid (warnings allowed)'], [1, 'invalid: every problem is printed'], USAGE_EXIT],
  },
  {
    name: 'rule test',
    usage: 'sluice rule test RULEFILE... [options]',
    summary: 'Run TrafficScript rules once against a described request.',
    details: [
      'Prints what the rules decided (pool, generated response, redirect, discard), what they',
      'changed and what they logged. Rules run in the order given, as one rule list.',
    ],
    options: RULE_TEST_OPTIONS,
    examples: ["sluice rule test rules/route --url /api/x --header 'Cookie: a=1'"],
    exitCodes: [[0, 'the rules ran'], [1, 'a rule has errors (nothing ran), or --config has problems'], USAGE_EXIT, [3, 'a rule was aborted']],
  },
  {
    name: 'user add',
    usage: 'sluice user add NAME --role admin|readonly --config DIR',
    summary: 'Create or replace a REST API user.',
    details: ['The password is the first line of standard input (at least 8 characters); only its hash is kept.'],
    options: [
      { name: '--role', value: 'ROLE', text: 'admin or readonly (default admin)' },
      { name: '--config', value: 'DIR', text: 'configuration directory whose .sluice/users.json holds the users (required)' },
    ],
    examples: ["printf '%s\\n' 'a long password' | sluice user add ops --role readonly --config /etc/sluice"],
    exitCodes: [[0, 'saved'], [1, 'the users file could not be written'], USAGE_EXIT],
  },
  {
    name: 'cache purge',
    usage: 'sluice cache purge --api URL --user NAME [--virtual-server VS] [--url URL [--prefix]]',
    summary: "Purge a running Sluice's web cache through its REST API.",
    details: [
      'The password of the admin user is the first line of standard input. Without --url every',
      'entry goes (of --virtual-server, or of every virtual server).',
    ],
    options: [
      { name: '--api', value: 'URL', text: 'the REST API, e.g. http://127.0.0.1:9070 (required)' },
      { name: '--user', value: 'NAME', text: 'an admin user of the API (required)' },
      { name: '--virtual-server', value: 'VS', text: 'only the entries of this virtual server' },
      { name: '--url', value: 'URL', text: 'only this URL (http://host/path?query), with every variant' },
      { name: '--prefix', text: 'every URL that starts with --url' },
    ],
    examples: ["printf '%s\\n' \"$PASSWORD\" | sluice cache purge --api http://127.0.0.1:9070 --user ops --url http://www.example.com/news/ --prefix"],
    exitCodes: [[0, 'purged (the number of entries is printed)'], [1, 'the API refused the purge or could not be reached'], USAGE_EXIT],
  },
  {
    name: 'generation status',
    usage: 'sluice generation status [VS] [--api URL] --user NAME',
    summary: "Show a virtual server's generations: state, live sessions, requests per second, errors, mean response time.",
    details: ["The user's password is the first line of standard input. VS may be left out when one virtual server has generations. See docs/generations.md."],
    options: [
      { name: '--api', value: 'URL', text: 'the REST API (default http://127.0.0.1:9070)' },
      { name: '--user', value: 'NAME', text: 'a user of the API (admin to change anything; required)' },
    ],
    examples: ['printf \'%s\\n\' "$PASSWORD" | sluice generation status shop --user ops'],
    exitCodes: [[0, 'done (the generations are printed)'], [1, 'the API refused or could not be reached'], USAGE_EXIT],
  },
  {
    name: 'generation deploy',
    usage: 'sluice generation deploy [VS] [GENERATION] [--canary PERCENT] [--api URL] --user NAME',
    summary: "Make a testing generation current (default: the last one listed as testing); the current one starts draining.",
    details: ["The user's password is the first line of standard input. VS may be left out when one virtual server has generations. See docs/generations.md."],
    options: [
      { name: '--api', value: 'URL', text: 'the REST API (default http://127.0.0.1:9070)' },
      { name: '--user', value: 'NAME', text: 'a user of the API (admin to change anything; required)' },
      { name: '--canary', value: 'PERCENT', text: 'the share of new sessions the deployed generation takes; the previous one takes the rest' },
    ],
    examples: ['printf \'%s\\n\' "$PASSWORD" | sluice generation deploy shop 32 --user ops'],
    exitCodes: [[0, 'done (the generations are printed)'], [1, 'the API refused or could not be reached'], USAGE_EXIT],
  },
  {
    name: 'generation rollback',
    usage: 'sluice generation rollback [VS] [--api URL] --user NAME',
    summary: "Make the previous generation current again; the one it replaced drains, keeping its sessions.",
    details: ["The user's password is the first line of standard input. VS may be left out when one virtual server has generations. See docs/generations.md."],
    options: [
      { name: '--api', value: 'URL', text: 'the REST API (default http://127.0.0.1:9070)' },
      { name: '--user', value: 'NAME', text: 'a user of the API (admin to change anything; required)' },
    ],
    examples: ['printf \'%s\\n\' "$PASSWORD" | sluice generation rollback shop --user ops'],
    exitCodes: [[0, 'done (the generations are printed)'], [1, 'the API refused or could not be reached'], USAGE_EXIT],
  },
  {
    name: 'generation reap',
    usage: 'sluice generation reap [VS] GENERATION [--force] [--api URL] --user NAME',
    summary: "Take a draining generation out of service; refused while it has sessions unless --force, which cuts them.",
    details: ["The user's password is the first line of standard input. VS may be left out when one virtual server has generations. See docs/generations.md."],
    options: [
      { name: '--api', value: 'URL', text: 'the REST API (default http://127.0.0.1:9070)' },
      { name: '--user', value: 'NAME', text: 'a user of the API (admin to change anything; required)' },
      { name: '--force', text: 'reap even with live sessions (they start again on the current generation)' },
    ],
    examples: ['printf \'%s\\n\' "$PASSWORD" | sluice generation reap shop 31 --user ops'],
    exitCodes: [[0, 'done (the generations are printed)'], [1, 'the API refused or could not be reached'], USAGE_EXIT],
  },
  {
    name: 'generation canary',
    usage: 'sluice generation canary [VS] --canary PERCENT [--api URL] --user NAME',
    summary: "Change the current generation's share of new sessions while the previous one drains.",
    details: ["The user's password is the first line of standard input. VS may be left out when one virtual server has generations. See docs/generations.md."],
    options: [
      { name: '--api', value: 'URL', text: 'the REST API (default http://127.0.0.1:9070)' },
      { name: '--user', value: 'NAME', text: 'a user of the API (admin to change anything; required)' },
      { name: '--canary', value: 'PERCENT', text: '0 to 100 (required)' },
    ],
    examples: ['printf \'%s\\n\' "$PASSWORD" | sluice generation canary shop --canary 50 --user ops'],
    exitCodes: [[0, 'done (the generations are printed)'], [1, 'the API refused or could not be reached'], USAGE_EXIT],
  },
  {
    name: 'cluster status',
    usage: 'sluice cluster status [--api URL] --user NAME',
    summary: "Show a running Sluice's cluster: members, versions, configuration versions, health, the store.",
    details: ["The user's password is the first line of standard input. See docs/cluster.md."],
    options: [
      { name: '--api', value: 'URL', text: 'the REST API of any member (default http://127.0.0.1:9070)' },
      { name: '--user', value: 'NAME', text: 'a user of the API (required)' },
    ],
    examples: ["printf '%s\\n' \"$PASSWORD\" | sluice cluster status --user ops"],
    exitCodes: [[0, 'shown; every live member runs the cluster\'s configuration'], [1, 'the API refused or could not be reached, or a member is behind, failing or gone'], USAGE_EXIT],
  },
  {
    name: 'version',
    usage: 'sluice version',
    summary: 'Print the version.',
    details: ['The same as sluice --version and sluice -V.'],
    options: [],
    examples: ['sluice version'],
    exitCodes: [[0, 'always']],
  },
  {
    name: 'help',
    usage: 'sluice help [COMMAND]',
    summary: 'Show the list of commands, or the options of one.',
    details: ['The same as sluice COMMAND --help.'],
    options: [],
    examples: ['sluice help start'],
    exitCodes: [[0, 'help was shown'], USAGE_EXIT],
  },
]

/** The command named by `words` (`['rule', 'test']`), or undefined. */
export function findCommand(words: readonly string[]): CommandHelp | undefined {
  const two = words.slice(0, 2).join(' ')
  // `sluice help rule` means `rule test`: the first word is enough where it is unique.
  return COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name.split(' ')[0] === words[0])
}
