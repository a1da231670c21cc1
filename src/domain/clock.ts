/** Source of time for the domain; tests pass a fixed clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const epochSeconds = (clock: Clock): number => Math.floor(clock.now().getTime() / 1000);
