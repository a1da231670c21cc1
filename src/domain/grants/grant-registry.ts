import type { GrantContext, TokenParams } from './grant-context';
import type { TokenResponse } from './token-response';

/** What a grant type is, as the token endpoint, client validation and discovery need to know it. */
export interface GrantDeclaration {
  /** The `grant_type` value (RFC 6749 §4). */
  readonly grantType: string;
  /** Token request parameters the grant reads, besides `grant_type` and client authentication. */
  readonly parameters: readonly string[];
  /** Whether a public client (no secret) may use it (RFC 9700 §2.4: only the redirect-based code flow and its refresh). */
  readonly publicClients: boolean;
}

/** One grant type's handler (RFC 6749 §4), as registered with the token endpoint. */
export interface GrantHandler {
  readonly declaration: GrantDeclaration;
  handle(context: GrantContext, params: TokenParams): Promise<TokenResponse>;
}

/** What client validation reads: which grant types exist and which public clients may use. */
export interface GrantCatalogue {
  readonly grantTypes: readonly string[];
  declaration(grantType: string): GrantDeclaration | undefined;
}

/**
 * The grant types this server serves, by `grant_type` value: the one list of
 * them. Besides the token endpoint's handlers it holds declared client
 * permissions that share the `grantTypes` setting but have no token request
 * (seed 002 `device_tokens`): clients may list them, `/token` refuses them.
 */
export class GrantRegistry implements GrantCatalogue {
  private readonly handlers = new Map<string, GrantHandler>();
  private readonly permissions = new Map<string, GrantDeclaration>();

  register(handler: GrantHandler): this {
    this.handlers.set(handler.declaration.grantType, handler);
    return this;
  }

  /** Declares a `grantTypes` entry that is not a token-endpoint grant (no handler). */
  declare(declaration: GrantDeclaration): this {
    this.permissions.set(declaration.grantType, declaration);
    return this;
  }

  find(grantType: string): GrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  declaration(grantType: string): GrantDeclaration | undefined {
    return this.handlers.get(grantType)?.declaration ?? this.permissions.get(grantType);
  }

  /** Every value a client's `grantTypes` may hold. */
  get grantTypes(): string[] {
    return [...this.handlers.keys(), ...this.permissions.keys()];
  }

  /** The `grant_type` values `/token` serves (discovery's grant_types_supported). */
  get tokenGrantTypes(): string[] {
    return [...this.handlers.keys()];
  }
}
