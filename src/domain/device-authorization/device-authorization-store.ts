import type { DeviceAuthorization } from './device-authorization';

export type NewDeviceAuthorization = Omit<DeviceAuthorization, 'status' | 'userId' | 'authTime' | 'amr' | 'acr' | 'lastPolledAt'>;

/**
 * The storage RFC 8628 device authorizations need (implemented in
 * `src/data/device-authorization.repository.ts`): plain values in and out; every
 * change of status is one conditional statement, so two requests cannot both make it.
 */
export interface DeviceAuthorizationStore {
  /** Inserts a pending request; a unique violation (user code already pending) is thrown marked as one. */
  insert(authorization: NewDeviceAuthorization): Promise<void>;
  findByDeviceCodeDigest(digest: string): Promise<DeviceAuthorization | null>;
  /** The pending request with this (normalised) user code, expired or not; null when none. */
  findPendingByUserCode(userCode: string): Promise<DeviceAuthorization | null>;
  findById(id: string): Promise<DeviceAuthorization | null>;
  /**
   * Records a poll at `at` with the interval from now on, only if nobody polled since
   * `previousPoll` (null: never polled); false when a concurrent poll came first.
   */
  recordPoll(id: string, previousPoll: Date | null, at: Date, intervalSeconds: number): Promise<boolean>;
  /**
   * The user's answer: pending → approved or denied, by `userId`, only while pending and
   * unexpired at `now`; false when it was not.
   */
  decide(id: string, decision: 'approved' | 'denied', userId: string, signIn: DeviceApprovalSignIn, now: Date): Promise<boolean>;
  /** approved → redeemed, only if still approved; false when another redemption won. Joins the caller's transaction. */
  redeem(id: string): Promise<boolean>;
}

/** The sign-in of the session that decided a request: when, how (RFC 8176 `amr`) and the class reached (`acr`). */
export interface DeviceApprovalSignIn {
  readonly authTime: Date;
  readonly amr: readonly string[];
  readonly acr: string | null;
}
