import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

/** A `node dist/main.js` process, with its output captured, for process-level tests. */
export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `main` defaults to this checkout's dist/main.js; `cwd` to the test's (where a default DATA_DIR resolves). */
export function spawnServer(env: Record<string, string>, options: { main?: string; cwd?: string } = {}): ServerProcess {
  const child = spawn(process.execPath, [options.main ?? path.join(__dirname, '..', '..', 'dist', 'main.js')], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...runtimeDir(), ...env },
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited while waiting for ${pattern}; output:\n${output}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** The run's EMBEDDED_POSTGRES_DIR (see global-setup), so a server started as root never writes to /var/lib. */
const runtimeDir = (): Record<string, string> =>
  process.env.IDP_TEST_RUNTIME_DIR ? { EMBEDDED_POSTGRES_DIR: process.env.IDP_TEST_RUNTIME_DIR } : {};
