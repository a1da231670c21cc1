import { Field, ID, ObjectType } from 'type-graphql';
import type { Device } from '../../domain/device-token-sets/device';
import type { DeviceTokenSet } from '../../domain/device-token-sets/device-token-set';
import { ConnectionType } from './connection';

@ObjectType('Device', { simpleResolvers: true, description: 'A seed 002 device: a named, permanent token set of a user.' })
export class DeviceType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  userId!: string;

  @Field({ description: 'The client the device set belongs to (the `aud` of its IdToken).' })
  clientId!: string;

  @Field()
  name!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Last device refresh, recorded at most once a minute.' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('DeviceConnection', { simpleResolvers: true, description: 'A page of devices.' })
export class DeviceConnection extends ConnectionType(DeviceType) {}

@ObjectType('DeviceTokenSet', { simpleResolvers: true, description: 'Seed 002: shown once; only the refresh token’s hash is stored.' })
export class DeviceTokenSetType {
  @Field({ description: 'OIDC ID token, 24 h, with the `device_id` claim.' })
  IdToken!: string;

  @Field({ description: 'Never expires until revoked; not rotated; use it with DeviceId at GET /token.' })
  RefreshToken!: string;

  @Field(() => ID)
  DeviceId!: string;

  @Field(() => DeviceType)
  device!: DeviceType;
}

export const toDeviceType = (device: Device): DeviceType => ({
  id: device.id,
  userId: device.userId,
  clientId: device.clientId,
  name: device.name,
  createdAt: device.createdAt,
  lastUsedAt: device.lastUsedAt,
  revokedAt: device.revokedAt,
});

export const toDeviceTokenSetType = (set: DeviceTokenSet): DeviceTokenSetType => ({
  IdToken: set.IdToken,
  RefreshToken: set.RefreshToken,
  DeviceId: set.DeviceId,
  device: toDeviceType(set.device),
});
