import { statSync } from 'node:fs';
import os from 'node:os';

const VARIABLE = 'IDP_TEST_TEMP_DIR_MODES';

/** The shared temp directories whose mode no test may change (`/tmp` and the system temp dir). */
const tempDirs = (): string[] => [...new Set(['/tmp', os.tmpdir()])];

const modeOf = (dir: string): number => statSync(dir).mode & 0o7777;

/** Called by jest's global setup: remembers each temp dir's mode for the workers and the teardown. */
export function recordTempDirModes(): void {
  process.env[VARIABLE] = JSON.stringify(Object.fromEntries(tempDirs().map((dir) => [dir, modeOf(dir)])));
}

/** Each temp dir whose mode differs from the one recorded at setup, as "dir: was → now" (octal). */
export function changedTempDirModes(): string[] {
  const recorded = JSON.parse(process.env[VARIABLE] ?? '{}') as Record<string, number>;
  if (Object.keys(recorded).length === 0) throw new Error('temp dir modes were not recorded (jest global setup did not run)');
  return Object.entries(recorded)
    .filter(([dir, mode]) => modeOf(dir) !== mode)
    .map(([dir, mode]) => `${dir}: was ${mode.toString(8)}, now ${modeOf(dir).toString(8)}`);
}
