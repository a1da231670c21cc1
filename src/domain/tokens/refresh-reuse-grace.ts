import { ensure, errors } from '../errors';

/** The longest reuse grace a tenant may set: a retry comes within seconds, a thief may come any time. */
export const MAX_REFRESH_REUSE_GRACE_SECONDS = 300;

/**
 * Refresh-token reuse grace (issue 24), per tenant: for this many seconds after
 * a rotation, presenting the rotated token again (a retry after a lost or failed
 * answer, or two tabs refreshing at once) returns the same successor with a new
 * access token instead of revoking the family; later, or once the successor was
 * used itself, reuse revokes the family as RFC 9700 §4.14.2 asks. 0 (the
 * default) keeps strict rotation: every second use revokes. An integer from 0
 * to {@link MAX_REFRESH_REUSE_GRACE_SECONDS}.
 */
export function validateRefreshReuseGrace(seconds: number, field = 'refreshReuseGraceSeconds'): number {
  ensure(Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_REFRESH_REUSE_GRACE_SECONDS, () =>
    errors.validation(field, `must be an integer from 0 to ${MAX_REFRESH_REUSE_GRACE_SECONDS} (seconds)`),
  );
  return seconds;
}

/** Whether a token rotated at `rotatedAt` is still within a grace of `graceSeconds` at `now`. */
export function withinReuseGrace(rotatedAt: Date, graceSeconds: number, now: Date): boolean {
  return graceSeconds > 0 && now.getTime() - rotatedAt.getTime() <= graceSeconds * 1000;
}
