import { isoFromLocalInput, localInputValue, shownTime } from '../../../console/src/time-text';

describe('console times', () => {
  it('writes a datetime-local value with seconds, in local time', () => {
    expect(localInputValue(new Date(2026, 11, 1, 5, 4, 3))).toBe('2026-12-01T05:04:03');
    expect(localInputValue(new Date(2027, 0, 9, 23, 59, 0, 999))).toBe('2027-01-09T23:59:00');
  });

  it('reads a datetime-local value back as the same instant in UTC', () => {
    const instant = new Date(Date.UTC(2026, 11, 1, 6, 30, 15));
    expect(isoFromLocalInput(localInputValue(instant))).toBe('2026-12-01T06:30:15.000Z');
    expect(isoFromLocalInput(localInputValue(new Date(2026, 5, 30, 12, 0, 0)))).toBe(new Date(2026, 5, 30, 12, 0, 0).toISOString());
  });

  it('reads an empty or unreadable value as no time', () => {
    expect(isoFromLocalInput('')).toBeNull();
    expect(isoFromLocalInput('  ')).toBeNull();
    expect(isoFromLocalInput('yesterday')).toBeNull();
  });

  it('shows API times to the second in UTC, and a placeholder for none', () => {
    expect(shownTime('2026-12-01T05:49:34.512Z')).toBe('2026-12-01 05:49:34 UTC');
    expect(shownTime(null, 'never')).toBe('never');
    expect(shownTime(undefined)).toBe('');
    expect(shownTime('not a time')).toBe('not a time');
  });
});
