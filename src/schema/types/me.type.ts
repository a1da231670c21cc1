import { Field, ObjectType } from 'type-graphql';

@ObjectType('Me', { simpleResolvers: true, description: 'The caller, as its access token describes it.' })
export class MeType {
  @Field({ description: '`sub`: a user id, or the client id for client_credentials tokens.' })
  subject!: string;

  @Field()
  clientId!: string;

  @Field()
  tenantPath!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => String, { nullable: true, description: 'Set when the token was issued to a user.' })
  userId!: string | null;
}
