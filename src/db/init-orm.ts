import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { mikroOrmConfig } from '../config/mikro-orm.config';

/** Connects MikroORM; with `migrate`, brings the schema up to date through the committed migrations first. */
export async function initORM(clientUrl: string, overrides: Partial<Options> = {}, migrate = true): Promise<MikroORM> {
  const orm = await MikroORM.init(mikroOrmConfig(clientUrl, overrides));
  if (migrate) await orm.getMigrator().up();
  return orm;
}
