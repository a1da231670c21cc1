// Types of verify-tenant-token.mjs for the TypeScript test that runs it
// (tests/integration/resource-server-verification.test.ts).
import type { JWTPayload } from 'jose';

export declare function verifyTenantToken(issuer: string, audience: string, token: string): Promise<JWTPayload>;
