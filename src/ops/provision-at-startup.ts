import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ProvisionSource } from '../config/env';
import type { Domain } from '../composition/create-domain';
import { isDomainError } from '../domain/errors';
import type { ProvisioningReport } from '../domain/provisioning/provisioning-plan';
import { StartupError } from './startup-error';

/**
 * PROVISION_FILE at start-up: read, validate entirely, apply in one
 * transaction. Any failure becomes a {@link StartupError} whose one line says
 * what failed, where, and what to do; nothing from the file was written then.
 */
export async function provisionAtStartup(
  provisioning: Domain['provisioning'],
  source: ProvisionSource,
  logger: Logger,
): Promise<ProvisioningReport> {
  let text: string;
  try {
    text = readFileSync(source.file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StartupError(`PROVISION_FILE ${source.file} cannot be read (${reason}); check the path and its permissions`);
  }
  try {
    const report = await provisioning.apply(provisioning.parse(text, source.variables));
    logger.info({ file: source.file, ...report }, 'provisioning file applied');
    return report;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    throw new StartupError(
      `PROVISION_FILE ${source.file} was not applied (nothing was written): ${error.description}; fix the file or its environment variables and start again`,
    );
  }
}
