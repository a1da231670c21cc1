/**
 * Whether PostgreSQL can hold `text` at all: a NUL is not valid in a text
 * value, so a key containing one names no row. Lookups answer "none" for such
 * a key instead of sending it (which fails the statement, or the connection).
 */
export const storable = (text: string): boolean => !text.includes('\u0000');
