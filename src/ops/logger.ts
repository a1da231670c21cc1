import pino, { type Logger } from 'pino';

/** What an error becomes in a log line: never the driver or ORM object behind it. */
export interface LoggedError {
  type?: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: LoggedError;
}

const ERROR_LEVEL = 50;
// Budgets that keep an error line under ~2,000 characters, however deep the cause chain.
const MAX_MESSAGE = 400;
const MAX_CAUSE_MESSAGE = 150;
const MAX_CAUSES = 3;
const MAX_FRAMES = 10;
const MAX_STACK = 800;
// knex prefixes a driver error's message with the query, values inlined: "<sql> - <reason>".
const QUERY_PREFIX = /^\s*(select|insert|update|delete|with|create|alter|drop|truncate|begin|commit|set|listen|notify)\b[\s\S]* - /i;

/**
 * The `err` serializer of every logger the app creates: keeps the error's class
 * name, message (without a query and its values), code, stack and the same of
 * its causes (messages shortened, no stack: the outer stack says where), and
 * drops every other property (a pg error's `client` with its prepared
 * statements and cancel key, an ORM entity, request options). An error line
 * stays under about 2,000 characters.
 * Below level `error` the stack is dropped too (see `createLogger`).
 */
export function serializeError(value: unknown, depth = 0): LoggedError {
  if (value === null || typeof value !== 'object') return { message: String(value).slice(0, MAX_MESSAGE) };
  const error = value as {
    name?: unknown;
    type?: unknown;
    message?: unknown;
    code?: unknown;
    stack?: unknown;
    cause?: unknown;
    constructor?: { name?: string };
  };
  const type =
    typeof error.type === 'string' ? error.type : (error.constructor?.name ?? (typeof error.name === 'string' ? error.name : undefined));
  const logged: LoggedError = {
    message: withoutQuery(typeof error.message === 'string' ? error.message : String(value), depth === 0 ? MAX_MESSAGE : MAX_CAUSE_MESSAGE),
  };
  if (type && type !== 'Object') logged.type = type;
  if (typeof error.code === 'string' || typeof error.code === 'number') logged.code = String(error.code);
  // The stack's first line repeats the message (query included): rebuild it from the cleaned message.
  if (typeof error.stack === 'string' && depth === 0) {
    const frames = error.stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, MAX_FRAMES);
    const stack = [`${typeof error.name === 'string' ? error.name : 'Error'}: ${logged.message}`, ...frames].join('\n');
    if (frames.length > 0) logged.stack = stack.length > MAX_STACK ? `${stack.slice(0, MAX_STACK)}…` : stack;
  }
  if (error.cause !== undefined && depth < MAX_CAUSES) logged.cause = serializeError(error.cause, depth + 1);
  return logged;
}

function withoutQuery(text: string, max: number): string {
  const reason = text.replace(QUERY_PREFIX, '');
  return reason.length > max ? `${reason.slice(0, max)}…` : reason;
}

/** Removes stacks from a serialized error, for info and warn lines. */
function withoutStacks(error: LoggedError): LoggedError {
  const { stack: _stack, cause, ...rest } = error;
  return cause ? { ...rest, cause: withoutStacks(cause) } : rest;
}

/** The app's root logger: every child (pino-http's included) inherits the error serializer and the level rule. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    serializers: { err: serializeError },
    hooks: {
      logMethod(args, method, levelNumber) {
        const [first] = args as unknown[];
        if (levelNumber < ERROR_LEVEL && first && typeof first === 'object' && 'err' in first) {
          (args as unknown[])[0] = { ...first, err: withoutStacks(serializeError((first as { err: unknown }).err)) };
        }
        return method.apply(this, args);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
