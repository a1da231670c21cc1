/**
 * A value that is there at once (a cache hit) or later (a load). The token
 * path's cache lookups answer hits synchronously, so a warm request does not
 * pay for a promise (and its async-context bookkeeping) per lookup; callers
 * `await` it only when it is a promise (`isPending`), or map it with {@link mapAwaitable}.
 *
 * A function returning an Awaitable reports a failure the way it answers: by
 * throwing when it answers at once, by rejecting when it answers later. A
 * caller that handles failures uses {@link catchAwaitable}, which sees both.
 */
export type Awaitable<T> = T | Promise<T>;

export const isPending = <T>(value: Awaitable<T>): value is Promise<T> => value instanceof Promise;

/** `f` applied to the value, at once when it is there, else when it arrives. */
export function mapAwaitable<T, U>(value: Awaitable<T>, f: (value: T) => U): Awaitable<U> {
  return isPending(value) ? value.then(f) : f(value);
}

/** Like {@link mapAwaitable} for an `f` that may itself answer later: the result is flattened. */
export function chainAwaitable<T, U>(value: Awaitable<T>, f: (value: T) => Awaitable<U>): Awaitable<U> {
  return isPending(value) ? value.then(f) : f(value);
}

/**
 * `run()`, with `onError` applied to its failure, whether it threw at once or
 * rejected later. The answer stays synchronous when `run` answers at once.
 */
export function catchAwaitable<T, U>(run: () => Awaitable<T>, onError: (error: unknown) => Awaitable<U>): Awaitable<T | U> {
  let value: Awaitable<T>;
  try {
    value = run();
  } catch (error) {
    return onError(error);
  }
  return isPending(value) ? value.catch(onError) : value;
}
