/**
 * One line for an operator when the server cannot start: what went wrong and
 * what to do about it. Never a stack, never `undefined`.
 */
export function describeStartupFailure(error: unknown): string {
  if (!(error instanceof Error))
    return `start-up failed: ${error === undefined ? 'no reason given' : String(error)}; rerun with LOG_LEVEL=debug for PostgreSQL's own output`;
  const failure = error as NodeJS.ErrnoException & { address?: string; port?: number };
  const message = oneLine(failure.message || failure.name);
  switch (failure.code) {
    case 'EADDRINUSE':
      return `port ${failure.port ?? ''} on ${failure.address ?? 'the host'} is already in use; stop the process using it or set PORT to a free port`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${failure.address ?? 'HOST'}: no such local address; set HOST to an address of this machine`;
    case 'EACCES':
    case 'EPERM':
      return failure.path
        ? `permission denied on ${failure.path} (${failure.syscall ?? 'access'}); make it writable for this user or set DATA_DIR elsewhere`
        : `permission denied: ${message}; a port below 1024 needs privileges, set PORT above 1024`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${failure.path ?? 'a path'} is in the way: ${message}; set DATA_DIR to a directory (it is created if missing)`;
    case 'ENOSPC':
      return `no space left on the device holding ${failure.path ?? 'DATA_DIR'}; free some space`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case '28P01':
    case '28000':
    case '3D000':
      return `cannot connect to PostgreSQL: ${message}; check DATABASE_URL and that the server is running`;
  }
  if (failure.name === 'EmbeddedPostgresError' || failure.name === 'StartupError') return message;
  if (message.startsWith('Invalid configuration')) return `${message}; fix these environment variables (see README, Configuration)`;
  return `${message}; rerun with LOG_LEVEL=debug to see more`;
}

/** "Invalid configuration:\n  - A\n  - B" → "Invalid configuration: A; B". */
function oneLine(text: string): string {
  const [first = '', ...rest] = text
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter(Boolean);
  return rest.length > 0 ? `${first} ${rest.join('; ')}` : first;
}
