import type { Command } from '../command';
import { exportSubtree } from '../export-subtree';

export const exportCommand: Command = {
  words: 'export',
  summary: 'Print a tenant and its subtree in the provisioning format (no secrets, no passwords)',
  positionals: 0,
  options: { tenant: { type: 'string' } },
  help: [['--tenant PATH', 'tenant to export with its subtree (default: the tenant of the CLI client)']],
  async run({ values, connect }) {
    const connection = await connect();
    const path = typeof values.tenant === 'string' ? values.tenant : (await connection.sdk.me()).me.tenantPath;
    const document = await exportSubtree(connection, path);
    return { json: document, text: JSON.stringify(document, null, 2) };
  },
};
