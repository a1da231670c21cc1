import { EmbeddedPostgresError } from '../../../src/db/postgres-account';
import { describeStartupFailure } from '../../../src/ops/describe-startup-failure';

const errno = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('describeStartupFailure', () => {
  it('never prints "undefined" for a rejection without a reason', () => {
    const line = describeStartupFailure(undefined);
    expect(line).not.toMatch(/undefined/);
    expect(line).toMatch(/LOG_LEVEL=debug/);
  });

  it('says which port is taken and what to do', () => {
    const line = describeStartupFailure(
      errno('listen EADDRINUSE: address already in use 127.0.0.1:4000', { code: 'EADDRINUSE', address: '127.0.0.1', port: 4000 }),
    );
    expect(line).toBe('port 4000 on 127.0.0.1 is already in use; stop the process using it or set PORT to a free port');
  });

  it('names the path of a permission problem', () => {
    expect(
      describeStartupFailure(
        errno("EACCES: permission denied, open '/srv/data/secret.key'", { code: 'EACCES', path: '/srv/data/secret.key', syscall: 'open' }),
      ),
    ).toBe('permission denied on /srv/data/secret.key (open); make it writable for this user or set DATA_DIR elsewhere');
  });

  it('says when DATA_DIR is a file', () => {
    const line = describeStartupFailure(
      errno("ENOTDIR: not a directory, open '/srv/app/package.json/secret.key'", {
        code: 'ENOTDIR',
        path: '/srv/app/package.json/secret.key',
      }),
    );
    expect(line).toMatch(/^\/srv\/app\/package.json\/secret.key is in the way: .*; set DATA_DIR to a directory/);
  });

  it('points at DATABASE_URL when the database refuses', () => {
    expect(describeStartupFailure(errno('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }))).toMatch(
      /^cannot connect to PostgreSQL: .*check DATABASE_URL/,
    );
  });

  it('passes an embedded PostgreSQL problem through as it is already phrased for the operator', () => {
    const error = new EmbeddedPostgresError(
      'PostgreSQL did not start on /x: lock file "postmaster.pid" already exists Is another postmaster running?',
    );
    expect(describeStartupFailure(error)).toBe(error.message);
  });

  it('puts a multi-line configuration error on one line', () => {
    const line = describeStartupFailure(new Error('Invalid configuration:\n  - PORT must be an integer\n  - WORKERS must be an integer'));
    expect(line).toBe(
      'Invalid configuration: PORT must be an integer; WORKERS must be an integer; fix these environment variables (see README, Configuration)',
    );
    expect(line).not.toContain('\n');
  });
});
