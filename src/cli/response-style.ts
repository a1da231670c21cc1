import type { ResponseStyle } from '../domain/clients/client';
import type { ResponseStyle as ApiResponseStyle } from '../sdk/client';

/** A client's response style as the provisioning file spells it (`seed001`) from the GraphQL enum (`SEED001`). */
export const fileResponseStyle = (style: ApiResponseStyle): ResponseStyle => (style === 'SEED001' ? 'seed001' : 'standard');
