import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { FactorOverview } from '../../domain/mfa/second-factor.service';

@ObjectType('SecondFactor', { simpleResolvers: true, description: 'A second factor of a user (never its secret).' })
export class SecondFactorType {
  @Field(() => ID)
  id!: string;

  @Field({ description: '`totp`: an authenticator app (RFC 6238); `passkey`: a passkey or security key (WebAuthn).' })
  kind!: string;

  @Field({ description: 'Whether a first code confirmed it; an unconfirmed factor does not count.' })
  confirmed!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  confirmedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'A passkey’s name, chosen by the user (null for TOTP).' })
  name!: string | null;

  @Field(() => Date, { nullable: true, description: 'When a passkey last signed in (null for TOTP or a passkey never used).' })
  lastUsedAt!: Date | null;
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
