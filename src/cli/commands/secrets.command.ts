import type { Command } from '../command';

/** `tenant-idp secrets rotate`: after every process runs with SECRET_KEYS=NEW,OLD…, moves every sealed value to NEW. */
export const secretsRotate: Command = {
  words: 'secrets rotate',
  summary: 'Re-seal every sealed value under the newest SECRET_KEYS key and report what is left on older keys (admins of /)',
  positionals: 0,
  options: {},
  help: [],
  async run({ connect }) {
    const { sdk } = await connect();
    const { rotateSecretKeys: report } = await sdk.rotateSecretKeys();
    const lines = [
      `newest key: ${report.currentKeyId}`,
      ...report.resealed.map((entry) => `re-sealed ${entry.kind}: ${entry.count}`),
      ...report.failed
        .filter((entry) => entry.count > 0)
        .map((entry) => `could not open ${entry.kind}: ${entry.count} (left as they were)`),
      ...report.digestsLeft.map(
        (entry) => `${entry.kind} left on key ${entry.keyId}: ${entry.count} (re-keyed when the secret is next used or replaced)`,
      ),
      `left on older keys: ${report.leftOnOldKeys}`,
    ];
    return { json: report, text: lines.join('\n') };
  },
};
