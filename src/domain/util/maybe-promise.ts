/**
 * A value that is there at once (a cache hit) or later (a load). The token
 * path's cache lookups answer hits synchronously, so a warm request does not
 * pay for a promise (and its async-context bookkeeping) per lookup; callers
 * `await` it only when it is a promise ({@link isPromise}), or map it with
 * {@link mapMaybePromise}.
 *
 * A function returning a MaybePromise reports a failure the way it answers: by
 * throwing when it answers at once, by rejecting when it answers later. A
 * caller that handles failures uses {@link catchMaybePromise}, which sees both.
 */
export type MaybePromise<T> = T | Promise<T>;

export const isPromise = <T>(value: MaybePromise<T>): value is Promise<T> => value instanceof Promise;

/**
 * `f` applied to the value, at once when it is there, else when it arrives.
 * `f` may itself answer later: the result is flattened (a pending value in, or
 * a pending answer from `f`, gives one promise).
 */
export function mapMaybePromise<T, U>(value: MaybePromise<T>, f: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(f) : f(value);
}

/**
 * `run()`, with `onError` applied to its failure, whether it threw at once or
 * rejected later. The answer stays synchronous when `run` answers at once.
 */
export function catchMaybePromise<T, U>(run: () => MaybePromise<T>, onError: (error: unknown) => MaybePromise<U>): MaybePromise<T | U> {
  let value: MaybePromise<T>;
  try {
    value = run();
  } catch (error) {
    return onError(error);
  }
  return isPromise(value) ? value.catch(onError) : value;
}
