import { existsSync } from 'node:fs';
import { resolveChromium } from '../../support/chromium';

describe('resolveChromium', () => {
  it('prefers CHROMIUM_PATH over any other build', async () => {
    const launch = await resolveChromium({ CHROMIUM_PATH: process.execPath });
    expect(launch).toEqual({ executablePath: process.execPath, source: 'CHROMIUM_PATH' });
  });

  it('refuses a CHROMIUM_PATH that does not exist instead of falling back silently', async () => {
    await expect(resolveChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).rejects.toThrow(
      'CHROMIUM_PATH=/nonexistent/chromium does not exist',
    );
  });

  it('uses a system Chromium when present, else the packaged build with its own libraries', async () => {
    const launch = await resolveChromium({});
    if (existsSync('/usr/bin/chromium')) {
      expect(launch).toEqual({ executablePath: '/usr/bin/chromium', source: 'system' });
    } else {
      expect(launch.source).toBe('@sparticuz/chromium');
      expect(launch.executablePath).toMatch(/node_modules\/\.cache\/tenant-idp-chromium-[\d.]+\/chromium$/);
      expect(existsSync(launch.executablePath)).toBe(true);
      expect(existsSync(`${launch.env!.LD_LIBRARY_PATH!.split(':')[0]}/libnss3.so`)).toBe(true);
    }
  }, 120_000);
});
