import { escapeLike } from './like-pattern';

/** LIKE pattern for the strict descendants of tenant `path`; `\`, `_` and `%` in paths are literal. */
export const subtreePattern = (path: string): string => `${escapeLike(path)}/%`;
