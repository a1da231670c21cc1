import { parseArgs } from 'node:util';
import { CliError, EXIT, toCliError, usageError } from './cli-error';
import type { Command, CommandContext } from './command';
import { COMMANDS } from './commands';
import { connect, DEFAULT_URL, type Connection } from './connection';
import { commandHelp, mainHelp } from './help';

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * `tenant-idp COMMAND [options]`: runs one command and resolves to its exit
 * code (0 ok, 1 usage, 2 refused by the server, 3 unreachable); never throws.
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const json = argv.includes('--json');
  const command = findCommand(argv);
  if (!command) {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout(`${mainHelp(COMMANDS)}\n`);
      return argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    return fail(io, json, usageError(`unknown command "${argv.slice(0, 2).join(' ')}"; run tenant-idp --help`));
  }
  let url: string | undefined;
  try {
    const words = command.words.split(' ').length;
    const { values, positionals } = parseArgs({
      args: argv.slice(words) as string[],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    if (positionals.length > command.positionals)
      throw usageError(`unexpected argument "${positionals[command.positionals]}"; run tenant-idp ${command.words} --help`);
    let connection: Promise<Connection> | undefined;
    const context: CommandContext = {
      values,
      positionals,
      connect: () => (connection ??= connect(values)),
      note: (line) => io.stderr(`${line}\n`),
    };
    url = typeof values.url === 'string' ? values.url : (process.env.TENANT_IDP_URL ?? DEFAULT_URL);
    const result = await command.run(context);
    io.stdout(`${json ? JSON.stringify(result.json, null, 2) : result.text}\n`);
    return EXIT.ok;
  } catch (error) {
    return fail(io, json, toCliError(error, url));
  }
}

function findCommand(argv: readonly string[]): Command | undefined {
  return COMMANDS.find((c) => {
    const words = c.words.split(' ');
    return words.every((word, i) => argv[i] === word);
  });
}

function fail(io: CliIo, json: boolean, error: CliError): number {
  if (json)
    io.stderr(
      `${JSON.stringify({ error: { exitCode: error.exitCode, code: error.code, message: error.message, details: error.details } })}\n`,
    );
  else io.stderr([`tenant-idp: ${error.message}`, ...error.details.map((d) => `  ${d}`)].join('\n') + '\n');
  return error.exitCode;
}
