import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { FactorOverview } from '../../domain/mfa/second-factor.service';

@ObjectType('SecondFactor', { simpleResolvers: true, description: 'A second factor of a user (never its secret).' })
export class SecondFactorType {
  @Field(() => ID)
  id!: string;

  @Field({ description: '`totp`: an authenticator app (RFC 6238).' })
  kind!: string;

  @Field({ description: 'Whether a first code confirmed it; an unconfirmed factor does not count.' })
  confirmed!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  confirmedAt!: Date | null;
}

@ObjectType('SecondFactors', { simpleResolvers: true, description: 'A user’s second factors and unused recovery codes.' })
export class SecondFactorsType {
  @Field(() => [SecondFactorType])
  factors!: SecondFactorType[];

  @Field(() => Int, { description: 'Recovery codes not used yet.' })
  recoveryCodesLeft!: number;
}

export const toSecondFactorsType = (overview: FactorOverview): SecondFactorsType => ({
  factors: overview.factors.map((factor) => ({ ...factor })),
  recoveryCodesLeft: overview.recoveryCodesLeft,
});
