/**
 * A value that is there at once (a cache hit) or later (a load). The token
 * path's cache lookups answer hits synchronously, so a warm request does not
 * pay for a promise (and its async-context bookkeeping) per lookup; callers
 * `await` it only when it is a promise (`isPending`), or map it with {@link mapAwaitable}.
 */
export type Awaitable<T> = T | Promise<T>;

export const isPending = <T>(value: Awaitable<T>): value is Promise<T> => value instanceof Promise;

/** `f` applied to the value, at once when it is there, else when it arrives. */
export function mapAwaitable<T, U>(value: Awaitable<T>, f: (value: T) => U): Awaitable<U> {
  return isPending(value) ? value.then(f) : f(value);
}
