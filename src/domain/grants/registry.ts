import type { GrantContext, TokenParams } from './grant-context';
import type { TokenResponse } from './token-response';

/** One grant type's handler (RFC 6749 §4), as registered with the token endpoint. */
export interface GrantHandler {
  readonly grantType: string;
  handle(context: GrantContext, params: TokenParams): Promise<TokenResponse>;
}

/** The grant types this server serves, by `grant_type` value. */
export class GrantRegistry {
  private readonly handlers = new Map<string, GrantHandler>();

  register(handler: GrantHandler): this {
    this.handlers.set(handler.grantType, handler);
    return this;
  }

  find(grantType: string): GrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }
}
