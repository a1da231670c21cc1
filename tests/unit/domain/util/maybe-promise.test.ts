import { catchMaybePromise, isPromise, mapMaybePromise } from '../../../../src/domain/util/maybe-promise';

describe('MaybePromise helpers', () => {
  it('maps at once on a present value, later on a pending one, flattening a pending answer', async () => {
    expect(mapMaybePromise(2, (n) => n * 3)).toBe(6);
    expect(mapMaybePromise(2, (n) => n + 1)).toBe(3);
    const later = mapMaybePromise(Promise.resolve(2), (n) => Promise.resolve(n * 5));
    expect(isPromise(later)).toBe(true);
    expect(await later).toBe(10);
    // a present value chained into a pending one is pending, flattened
    const mixed = mapMaybePromise(1, (n) => Promise.resolve(n + 1));
    expect(isPromise(mixed)).toBe(true);
    expect(await mixed).toBe(2);
  });

  it('catchMaybePromise sees a failure thrown at once and one rejected later, and stays synchronous when it can', async () => {
    const boom = new Error('boom');
    expect(
      catchMaybePromise(
        () => {
          throw boom;
        },
        (error) => (error === boom ? 'caught at once' : 'other'),
      ),
    ).toBe('caught at once');
    expect(
      await catchMaybePromise(
        () => Promise.reject(boom),
        (error) => (error === boom ? 'caught later' : 'other'),
      ),
    ).toBe('caught later');
    expect(
      catchMaybePromise(
        () => 7,
        () => 0,
      ),
    ).toBe(7);
    // a handler that rethrows passes the failure on the same way it came: thrown at once, or rejected
    expect(() =>
      catchMaybePromise(
        () => {
          throw boom;
        },
        (error) => {
          throw error;
        },
      ),
    ).toThrow(boom);
    await expect(
      catchMaybePromise(
        () => Promise.reject(boom),
        (error) => {
          throw error;
        },
      ),
    ).rejects.toBe(boom);
  });
});
