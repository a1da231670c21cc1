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
 * them, built from the grants' declarations alone (no handler needed), so
 * client validation can use it before any grant handler exists. Besides the
 * token endpoint's grants it holds declared client permissions that share the
 * `grantTypes` setting but have no token request (seed 002 `device_tokens`):
 * clients may list them, `/token` refuses them.
 */
export class GrantDeclarations implements GrantCatalogue {
  private readonly tokenGrants: ReadonlyMap<string, GrantDeclaration>;
  private readonly permissions: ReadonlyMap<string, GrantDeclaration>;

  /**
   * @param tokenGrants the grants `/token` serves, in the order discovery lists them
   * @param permissions `grantTypes` entries that are not token-endpoint grants (no handler)
   */
  constructor(tokenGrants: readonly GrantDeclaration[], permissions: readonly GrantDeclaration[] = []) {
    this.tokenGrants = new Map(tokenGrants.map((declaration) => [declaration.grantType, declaration]));
    this.permissions = new Map(permissions.map((declaration) => [declaration.grantType, declaration]));
  }

  declaration(grantType: string): GrantDeclaration | undefined {
    return this.tokenGrants.get(grantType) ?? this.permissions.get(grantType);
  }

  /** Every value a client's `grantTypes` may hold. */
  get grantTypes(): string[] {
    return [...this.tokenGrants.keys(), ...this.permissions.keys()];
  }

  /** The `grant_type` values `/token` serves (discovery's grant_types_supported). */
  get tokenGrantTypes(): string[] {
    return [...this.tokenGrants.keys()];
  }
}

/**
 * The token endpoint's handlers over a {@link GrantDeclarations} catalogue: one
 * handler for each of its token grants, none for anything else, so the
 * catalogue client validation read and the grants `/token` serves cannot differ.
 */
export class GrantRegistry implements GrantCatalogue {
  private readonly handlers = new Map<string, GrantHandler>();

  constructor(
    private readonly catalogue: GrantDeclarations,
    handlers: readonly GrantHandler[],
  ) {
    for (const handler of handlers) {
      const { grantType } = handler.declaration;
      if (catalogue.declaration(grantType) !== handler.declaration || !catalogue.tokenGrantTypes.includes(grantType)) {
        throw new Error(`the grant handler for ${grantType} does not match a token grant of the catalogue`);
      }
      if (this.handlers.has(grantType)) throw new Error(`two grant handlers for ${grantType}`);
      this.handlers.set(grantType, handler);
    }
    const missing = catalogue.tokenGrantTypes.filter((grantType) => !this.handlers.has(grantType));
    if (missing.length > 0) throw new Error(`no grant handler for ${missing.join(', ')}`);
  }

  find(grantType: string): GrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  declaration(grantType: string): GrantDeclaration | undefined {
    return this.catalogue.declaration(grantType);
  }

  /** Every value a client's `grantTypes` may hold. */
  get grantTypes(): string[] {
    return this.catalogue.grantTypes;
  }

  /** The `grant_type` values `/token` serves (discovery's grant_types_supported). */
  get tokenGrantTypes(): string[] {
    return this.catalogue.tokenGrantTypes;
  }
}
