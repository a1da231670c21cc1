import { catchAwaitable, chainAwaitable, isPending, mapAwaitable } from '../../../../src/domain/util/maybe-promise';

describe('Awaitable helpers', () => {
  it('map and chain at once on a present value, later on a pending one', async () => {
    expect(mapAwaitable(2, (n) => n * 3)).toBe(6);
    expect(chainAwaitable(2, (n) => n + 1)).toBe(3);
    const later = chainAwaitable(Promise.resolve(2), (n) => Promise.resolve(n * 5));
    expect(isPending(later)).toBe(true);
    expect(await later).toBe(10);
    // a present value chained into a pending one is pending, flattened
    const mixed = chainAwaitable(1, (n) => Promise.resolve(n + 1));
    expect(isPending(mixed)).toBe(true);
    expect(await mixed).toBe(2);
  });

  it('catchAwaitable sees a failure thrown at once and one rejected later, and stays synchronous when it can', async () => {
    const boom = new Error('boom');
    expect(
      catchAwaitable(
        () => {
          throw boom;
        },
        (error) => (error === boom ? 'caught at once' : 'other'),
      ),
    ).toBe('caught at once');
    expect(await catchAwaitable(() => Promise.reject(boom), (error) => (error === boom ? 'caught later' : 'other'))).toBe('caught later');
    expect(catchAwaitable(() => 7, () => 0)).toBe(7);
    // a handler that rethrows passes the failure on the same way it came: thrown at once, or rejected
    expect(() =>
      catchAwaitable(
        () => {
          throw boom;
        },
        (error) => {
          throw error;
        },
      ),
    ).toThrow(boom);
    await expect(
      catchAwaitable(
        () => Promise.reject(boom),
        (error) => {
          throw error;
        },
      ),
    ).rejects.toBe(boom);
  });
});
