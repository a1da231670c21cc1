import { spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

/** What `playwright-core`'s `chromium.launch` needs to start a headless Chromium here. */
export interface ChromiumLaunch {
  executablePath: string;
  /** Extra environment for the browser process (library and font paths of the packaged build). */
  env?: Record<string, string>;
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const REPO = path.join(__dirname, '..', '..');

/**
 * The Chromium every browser test uses: `CHROMIUM_PATH` when set, else a system
 * Chromium, else the build shipped inside `@sparticuz/chromium`, unpacked once
 * into a private cache under `node_modules/.cache`. The package's own
 * `executablePath()` is not used: it unpacks into the system temp directory and
 * its tar extraction once reset `/tmp` to mode 0755.
 */
export async function resolveChromium(environment: NodeJS.ProcessEnv = process.env): Promise<ChromiumLaunch> {
  const configured = environment.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return { executablePath: configured, source: 'CHROMIUM_PATH' };
  }
  const system = SYSTEM_CHROMIUM.find((candidate) => existsSync(candidate));
  if (system) return { executablePath: system, source: 'system' };
  const dir = await unpackPackagedChromium(path.join(REPO, 'node_modules', '.cache'));
  return {
    executablePath: path.join(dir, 'chromium'),
    // The NSS libraries come with the package (al2023), so none need to be installed.
    env: {
      LD_LIBRARY_PATH: [path.join(dir, 'lib'), environment.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: path.join(dir, 'fonts'),
    },
    source: '@sparticuz/chromium',
  };
}

/**
 * Unpacks `@sparticuz/chromium`'s archives into `<cacheRoot>/tenant-idp-chromium-<version>`
 * (staged in a sibling directory, then renamed, so parallel test workers never
 * see half an unpack) and returns that directory.
 */
async function unpackPackagedChromium(cacheRoot: string): Promise<string> {
  // The package exports only its entry (build/index.js); its root is one level up.
  const packageDir = path.join(path.dirname(require.resolve('@sparticuz/chromium', { paths: [REPO] })), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(cacheRoot, `tenant-idp-chromium-${version}`);
  if (existsSync(path.join(target, '.complete'))) return target;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(`${target}.staging-`);
  try {
    const bin = path.join(packageDir, 'bin');
    await pipeline(
      createReadStream(path.join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(path.join(staging, 'chromium'), { mode: 0o700 }),
    );
    await untarBrotli(path.join(bin, 'swiftshader.tar.br'), staging);
    await untarBrotli(path.join(bin, 'al2023.tar.br'), staging);
    mkdirSync(path.join(staging, 'fonts'));
    await untarBrotli(path.join(bin, 'fonts.tar.br'), path.join(staging, 'fonts'));
    // The packaged fonts.conf names Lambda paths and a cache under /tmp: point it at this directory instead.
    writeFileSync(
      path.join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${path.join(target, 'fonts', 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
        `  <cachedir>${path.join(target, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    writeFileSync(path.join(staging, '.complete'), `${version}\n`);
    // A target without `.complete` is never a worker's unpack in progress (those are staged): it is stale (e.g. a
    // fonts cache written into a cleared cache directory by a browser still running), so it is replaced.
    if (existsSync(target) && !existsSync(path.join(target, '.complete'))) rmSync(target, { recursive: true, force: true });
    try {
      renameSync(staging, target);
    } catch (error) {
      if (!existsSync(path.join(target, '.complete'))) throw error; // another worker won the race otherwise
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

/** Decompresses a `.tar.br` through the system `tar` into `dir`, which must be ours. */
async function untarBrotli(archive: string, dir: string): Promise<void> {
  // --ignore-zeros: read to the end of the input; GNU tar otherwise exits at the end-of-archive
  // marker and may close its stdin while the trailing padding is still being written ("Premature close").
  const tar = spawn('tar', ['-x', '--ignore-zeros', '--no-same-owner', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', resolve);
  });
  const fed = pipeline(createReadStream(archive), createBrotliDecompress(), tar.stdin).then(
    () => null,
    (error: unknown) => error,
  );
  const code = await exited;
  // Once tar has read a complete archive (exit 0), a feed error can only be the pipe closing at its very end.
  const feedError = await fed;
  if (code !== 0) throw new Error(`tar failed unpacking ${archive} (exit ${code}): ${stderr.trim() || String(feedError)}`);
}
