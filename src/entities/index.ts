import { ClientEntity } from './client.entity';
import { SigningKeyEntity } from './signing-key.entity';
import { TenantEntity } from './tenant.entity';
import { UserEntity } from './user.entity';

export { ClientEntity, SigningKeyEntity, TenantEntity, UserEntity };

/** Every entity, for MikroORM discovery (no folder scanning). */
export const entities = [TenantEntity, ClientEntity, UserEntity, SigningKeyEntity];
