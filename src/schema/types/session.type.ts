import { Field, ID, ObjectType } from 'type-graphql';
import type { ListedSession } from '../../domain/sessions/browser-session-store';

@ObjectType('SessionClient', { simpleResolvers: true, description: 'A client that got an authorization code under a browser session.' })
export class SessionClientType {
  @Field({ description: 'The OAuth client_id.' })
  clientId!: string;

  @Field()
  name!: string;
}

@ObjectType('BrowserSession', {
  simpleResolvers: true,
  description: 'A signed-in browser: one sign-in at the hosted pages, and the clients it signed into.',
})
export class BrowserSessionType {
  @Field(() => ID, { description: 'The public session id: the `sid` of the ID tokens issued under it (never the cookie).' })
  id!: string;

  @Field(() => ID)
  userId!: string;

  @Field({ description: 'When the user signed in (OIDC `auth_time`); the session began then.' })
  authTime!: Date;

  @Field()
  expiresAt!: Date;

  @Field(() => [String], { description: 'RFC 8176 methods of the sign-in.' })
  amr!: string[];

  @Field(() => String, { nullable: true })
  acr!: string | null;

  @Field(() => [SessionClientType])
  clients!: SessionClientType[];
}

export const toBrowserSessionType = ({ record, clients }: ListedSession): BrowserSessionType => ({
  id: record.session.sid,
  userId: record.session.userId,
  authTime: record.session.authTime,
  expiresAt: record.session.expiresAt,
  amr: [...record.session.amr],
  acr: record.session.acr,
  clients: clients.map((client) => ({ clientId: client.clientId, name: client.name })),
});
