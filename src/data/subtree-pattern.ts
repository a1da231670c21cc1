/** LIKE pattern for the strict descendants of tenant `path`; `\`, `_` and `%` in paths are literal. */
export const subtreePattern = (path: string): string => `${path.replace(/[\\%_]/g, '\\$&')}/%`;
