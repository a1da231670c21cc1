import type { ResponseStyle } from '../domain/clients/client';
import type { ResponseStyle as ApiResponseStyle } from '../sdk/client';

/** A client's response style as the provisioning file spells it (`seed001`) from the GraphQL enum (`SEED001`). */
export const fileResponseStyle = (style: ApiResponseStyle): ResponseStyle => (style === 'SEED001' ? 'seed001' : 'standard');

/** The GraphQL enum value of a provisioning file's response style. */
export const apiResponseStyle = (style: ResponseStyle): ApiResponseStyle => (style === 'seed001' ? 'SEED001' : 'STANDARD');
