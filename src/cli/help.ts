import type { Command } from './command';
import { DEFAULT_URL } from './connection';

const GLOBAL_HELP: [string, string][] = [
  ['--url URL', `server base URL (env TENANT_IDP_URL; default ${DEFAULT_URL})`],
  ['--client-id ID', 'client with scope "admin" (env TENANT_IDP_CLIENT_ID)'],
  ['--client-secret SECRET', 'its secret (env TENANT_IDP_CLIENT_SECRET)'],
  ['--json', 'print the result as JSON (errors too, on stderr)'],
  ['-h, --help', 'show help'],
];

const EXIT_HELP =
  'Exit codes: 0 ok, 1 usage error or invalid file, 2 refused by the server (authentication, permission, not found, conflict, invalid input), 3 server unreachable.';

const options = (rows: [string, string][]): string => {
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n');
};

/** `tenant-idp --help`: every command. */
export function mainHelp(commands: readonly Command[]): string {
  return [
    'Usage: tenant-idp COMMAND [options]',
    '',
    'Administers a running tenant-idp server through its GraphQL API (never its database).',
    '',
    'Commands:',
    options(commands.map((c) => [c.words + (c.args ? ` ${c.args}` : ''), c.summary])),
    '',
    'Options of every command:',
    options(GLOBAL_HELP),
    '',
    EXIT_HELP,
    'Run `tenant-idp COMMAND --help` for the options of one command.',
  ].join('\n');
}

/** `tenant-idp clients create --help`. */
export function commandHelp(command: Command): string {
  return [
    `Usage: tenant-idp ${command.words}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    command.summary,
    ...(command.help.length > 0 ? ['', 'Options:', options(command.help)] : []),
    '',
    'Connection and output:',
    options(GLOBAL_HELP),
    '',
    EXIT_HELP,
  ].join('\n');
}
