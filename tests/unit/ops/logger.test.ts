import { Writable } from 'node:stream';
import { Client, DatabaseError } from 'pg';
import { createLogger, serializeError } from '../../../src/ops/logger';

/** A pg error as the driver emits it on "terminating connection due to administrator command", with its client attached. */
function adminShutdownError(): DatabaseError & { client: Client } {
  const error = new DatabaseError('terminating connection due to administrator command', 116, 'error') as DatabaseError & {
    client: Client;
  };
  Object.assign(error, { severity: 'FATAL', code: '57P01', file: 'postgres.c', line: '3300', routine: 'ProcessInterrupts' });
  const client = new Client({ connectionString: 'postgres://postgres:pw@127.0.0.1:1/idp' });
  // What a live client holds: prepared statement texts and the cancel key.
  Object.assign(client, {
    processID: 4242,
    secretKey: 987654321,
    connection: { parsedStatements: { s1: 'select secret_digest from client where client_id = $1' } },
  });
  error.client = client;
  return error;
}

function capture(level = 'info'): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger(level, sink);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('error serializer', () => {
  it('keeps type, message and code of a pg error and drops its client', () => {
    const logged = serializeError(adminShutdownError());
    expect(logged).toEqual({
      type: 'DatabaseError',
      message: 'terminating connection due to administrator command',
      code: '57P01',
      stack: expect.any(String),
    });
    expect(JSON.stringify(logged)).not.toMatch(/secret_digest|987654321|parsedStatements|ProcessInterrupts/);
  });

  it('writes a short warn line, without stack or client, for a pg error logged as { err }', () => {
    const { logger, lines } = capture();
    logger.warn({ err: adminShutdownError() }, 'change bus error');
    const [line] = lines();
    expect(line).toMatchObject({
      level: 40,
      msg: 'change bus error',
      err: { type: 'DatabaseError', message: 'terminating connection due to administrator command', code: '57P01' },
    });
    expect(line!.err).not.toHaveProperty('stack');
    expect(JSON.stringify(line)).not.toMatch(/secret_digest|987654321|client/);
    expect(JSON.stringify(line).length).toBeLessThan(400);
  });

  it('keeps the stack on error lines, and still nothing else', () => {
    const { logger, lines } = capture();
    logger.error({ err: adminShutdownError() }, 'unhandled error');
    const [line] = lines();
    expect(Object.keys(line!.err as object).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect((line!.err as { stack: string }).stack).toMatch(/^error: terminating connection/);
  });

  it('drops a query and its inlined values that knex puts before the driver message', () => {
    const error = Object.assign(
      new Error(
        `insert into "user" ("username", "password_hash") values ('ada', '$argon2id$v=19$m=19456') - duplicate key value violates unique constraint "user_username_unique"`,
      ),
      { code: '23505' },
    );
    const logged = serializeError(error);
    expect(logged.message).toBe('duplicate key value violates unique constraint "user_username_unique"');
    expect(JSON.stringify(logged)).not.toMatch(/argon2/);
  });

  it('follows causes a few levels deep, each reduced the same way', () => {
    const error = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNREFUSED', config: { password: 'pw' } }) });
    expect(serializeError(error)).toMatchObject({ message: 'outer', cause: { type: 'Error', message: 'inner', code: 'ECONNREFUSED' } });
    expect(JSON.stringify(serializeError(error))).not.toMatch(/password/);
  });

  it('describes a thrown non-error value', () => {
    expect(serializeError(undefined)).toEqual({ message: 'undefined' });
    expect(serializeError('boom')).toEqual({ message: 'boom' });
  });
});
