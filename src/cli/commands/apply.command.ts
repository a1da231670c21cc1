import { readFileSync } from 'node:fs';
import type { GrantCatalogue } from '../../domain/grants/grant-registry';
import { resolveProvisioningText } from '../../domain/provisioning/parse-provisioning-document';
import { applyThroughApi } from '../apply-through-api';
import { usageError } from '../cli-error';
import type { Command } from '../command';

export const applyCommand: Command = {
  words: 'apply',
  summary: 'Create or update the tenants, APIs, roles, clients and users of a provisioning file through the API',
  args: 'FILE',
  positionals: 1,
  options: {},
  help: [['FILE', 'provisioning file (docs/provisioning.schema.json); ${NAME} references read this process’s environment']],
  async run({ positionals, connect, note }) {
    const [file] = positionals;
    if (!file) throw usageError('apply needs a FILE');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw usageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    // The CLI is its own process: `${NAME}` references resolve against its environment (the server gets the resolved document).
    const { plan, document } = resolveProvisioningText(text, process.env, SERVER_CHECKS_GRANTS);
    const { report, generatedSecrets } = await applyThroughApi((await connect()).sdk, plan, document);
    for (const { clientId, clientSecret } of generatedSecrets) note(`client ${clientId} created; its secret (shown once): ${clientSecret}`);
    const text_ = (['tenants', 'apis', 'roles', 'clients', 'users'] as const)
      .map((kind) => `${kind}: ${report[kind].created} created, ${report[kind].updated} updated, ${report[kind].unchanged} unchanged`)
      .join('\n');
    return { json: { ...report, generatedSecrets }, text: text_ };
  },
};

/**
 * The CLI has no grant registry: it accepts any grant type name here and the
 * server, which owns the registry, refuses unknown ones (and public clients
 * holding grants they may not) when it parses the document it is sent.
 */
const SERVER_CHECKS_GRANTS: GrantCatalogue = {
  grantTypes: [],
  declaration: (grantType) => ({ grantType, parameters: [], publicClients: true }),
};
