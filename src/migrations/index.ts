import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000Initial } from './Migration20261123000000Initial';
import { Migration20261123010000OAuthCore } from './Migration20261123010000OAuthCore';
import { Migration20261201040000Seeds } from './Migration20261201040000Seeds';
import { Migration20261201050000Devices } from './Migration20261201050000Devices';
import { Migration20261201060000AuditEvents } from './Migration20261201060000AuditEvents';
import { Migration20261201070000UserAdmin } from './Migration20261201070000UserAdmin';
import { Migration20261201014000RevocationChanges } from './Migration20261201014000RevocationChanges';
import { Migration20261201090000RevocationChangesMore } from './Migration20261201090000RevocationChangesMore';
import { Migration20261201100000PrivilegeChanges } from './Migration20261201100000PrivilegeChanges';
import { Migration20261206030000UsernameCaseInsensitive } from './Migration20261206030000UsernameCaseInsensitive';
import { Migration20261206050000KeyActivation } from './Migration20261206050000KeyActivation';
import { Migration20261206060000ApisAndRoles } from './Migration20261206060000ApisAndRoles';
import { Migration20261206090000UsedIdentifiers } from './Migration20261206090000UsedIdentifiers';
import { Migration20261206110000TokenExchange } from './Migration20261206110000TokenExchange';
import { Migration20261206150000DynamicClientRegistration } from './Migration20261206150000DynamicClientRegistration';
import { Migration20261206160000SignedRequestObjects } from './Migration20261206160000SignedRequestObjects';
import { Migration20261206170000SecurityProfiles } from './Migration20261206170000SecurityProfiles';
import { Migration20261206100000DeviceAuthorization } from './Migration20261206100000DeviceAuthorization';
import { Migration20261206130000Dpop } from './Migration20261206130000Dpop';
import { Migration20261206140000PushedAuthorizationRequests } from './Migration20261206140000PushedAuthorizationRequests';
import { Migration20261206120000ClientKeys } from './Migration20261206120000ClientKeys';

/** Every migration, in order. Append new ones here; never edit a landed one. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123000000Initial', class: Migration20261123000000Initial },
  { name: 'Migration20261123010000OAuthCore', class: Migration20261123010000OAuthCore },
  { name: 'Migration20261201040000Seeds', class: Migration20261201040000Seeds },
  { name: 'Migration20261201050000Devices', class: Migration20261201050000Devices },
  { name: 'Migration20261201060000AuditEvents', class: Migration20261201060000AuditEvents },
  { name: 'Migration20261201070000UserAdmin', class: Migration20261201070000UserAdmin },
  { name: 'Migration20261201014000RevocationChanges', class: Migration20261201014000RevocationChanges },
  { name: 'Migration20261201090000RevocationChangesMore', class: Migration20261201090000RevocationChangesMore },
  { name: 'Migration20261201100000PrivilegeChanges', class: Migration20261201100000PrivilegeChanges },
  { name: 'Migration20261206030000UsernameCaseInsensitive', class: Migration20261206030000UsernameCaseInsensitive },
  { name: 'Migration20261206050000KeyActivation', class: Migration20261206050000KeyActivation },
  { name: 'Migration20261206060000ApisAndRoles', class: Migration20261206060000ApisAndRoles },
  { name: 'Migration20261206090000UsedIdentifiers', class: Migration20261206090000UsedIdentifiers },
  { name: 'Migration20261206100000DeviceAuthorization', class: Migration20261206100000DeviceAuthorization },
  { name: 'Migration20261206110000TokenExchange', class: Migration20261206110000TokenExchange },
  { name: 'Migration20261206120000ClientKeys', class: Migration20261206120000ClientKeys },
  { name: 'Migration20261206130000Dpop', class: Migration20261206130000Dpop },
  { name: 'Migration20261206140000PushedAuthorizationRequests', class: Migration20261206140000PushedAuthorizationRequests },
  { name: 'Migration20261206150000DynamicClientRegistration', class: Migration20261206150000DynamicClientRegistration },
  { name: 'Migration20261206160000SignedRequestObjects', class: Migration20261206160000SignedRequestObjects },
  { name: 'Migration20261206170000SecurityProfiles', class: Migration20261206170000SecurityProfiles },
];
