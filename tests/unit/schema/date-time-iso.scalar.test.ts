import { GraphQLDateTimeISO } from 'graphql-scalars';
import { DateTimeISOScalar } from '../../../src/schema/date-time-iso.scalar';

describe('DateTimeISO scalar', () => {
  it('serialises exactly as graphql-scalars does, also for an instant seen before', () => {
    const instants = [0, 1_796_000_000_123, Date.UTC(1999, 11, 31, 23, 59, 59, 999), -62_000_000_000_000];
    for (const time of [...instants, ...instants]) {
      expect(DateTimeISOScalar.serialize(new Date(time))).toBe(GraphQLDateTimeISO.serialize(new Date(time)));
    }
    expect(DateTimeISOScalar.serialize('2026-12-01T07:00:00.000Z')).toBe(GraphQLDateTimeISO.serialize('2026-12-01T07:00:00.000Z'));
  });

  it('refuses an invalid Date as graphql-scalars does', () => {
    expect(() => DateTimeISOScalar.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
  });

  it('keeps the name, description and parsing of graphql-scalars', () => {
    expect(DateTimeISOScalar.name).toBe(GraphQLDateTimeISO.name);
    expect(DateTimeISOScalar.description).toBe(GraphQLDateTimeISO.description);
    expect(DateTimeISOScalar.parseValue('2026-12-01T07:00:00Z')).toEqual(GraphQLDateTimeISO.parseValue('2026-12-01T07:00:00Z'));
  });
});
