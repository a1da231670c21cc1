/** `text` with the LIKE metacharacters `\`, `%` and `_` escaped (PostgreSQL's default escape is `\`). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');

/** (I)LIKE pattern matching any value that contains `text` literally. */
export const containsPattern = (text: string): string => `%${escapeLike(text)}%`;
