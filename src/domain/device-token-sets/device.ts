/** A seed 002 device: one named, permanent token set of a user, bound to one refresh family. */
export interface Device {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  /** The client the device set belongs to (the `aud` of its IdToken). */
  readonly clientId: string;
  readonly name: string;
  readonly createdAt: Date;
  /** Recorded at most once a minute per device. */
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}
