import { createHash, randomBytes } from 'node:crypto';

/** 256 bits of randomness, base64url: client secrets, refresh tokens, codes. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** SHA-256, base64url; for high-entropy tokens stored only as a hash. */
export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');
