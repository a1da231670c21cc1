import type { Page, PageRequest } from '../pagination';
import type { Device } from './device';

/** Everything stored when a device token set is created, in one transaction. */
export interface NewDeviceSet {
  readonly deviceId: string;
  readonly familyId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly clientId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** SHA-256 of the refresh token; the value itself is never stored. */
  readonly refreshTokenHash: string;
  readonly now: Date;
}

/**
 * The storage the device domain needs (implemented in `src/data/device.repository.ts`):
 * plain values in and out, no ORM types.
 */
export interface DeviceStore {
  /** Inserts the device, its refresh family and its never-expiring refresh token atomically. */
  createDeviceSet(set: NewDeviceSet): Promise<Device>;
  findById(id: string): Promise<Device | null>;
  /** A user's devices, revoked ones included, oldest first (keyset on created_at, id). */
  listByUser(userId: string, request: PageRequest): Promise<Page<Device>>;
  /** Number of devices (revoked ones included) of each of `userIds`, in one query; users without devices are absent. */
  countByUsers(userIds: readonly string[]): Promise<Map<string, number>>;
  /** Marks the device and its family revoked; false when it was already revoked or is unknown. */
  revoke(id: string, now: Date): Promise<boolean>;
  /** Sets `last_used_at = now` unless it was set less than `minIntervalMs` ago. */
  touchLastUsed(id: string, now: Date, minIntervalMs: number): Promise<void>;
}
