import { Field, Int, ObjectType } from 'type-graphql';
import type { SecretRotationReport } from '../../domain/crypto/secret-rotation';

@ObjectType('SealedValueCount', { simpleResolvers: true, description: 'How many stored values of a kind.' })
export class SealedValueCountType {
  @Field({ description: '`signingKeys`, `totpSecrets`, `clientSecrets`, `mailBodies`, or a digest kind.' })
  kind!: string;

  @Field(() => String, {
    nullable: true,
    description: 'For digests: the SECRET_KEYS key id they are keyed under (`legacy`: from before keyrings).',
  })
  keyId!: string | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType('SecretRotationReport', {
  simpleResolvers: true,
  description: 'What `rotateSecretKeys` re-sealed under the newest SECRET_KEYS key, and what is left on older keys.',
})
export class SecretRotationReportType {
  @Field({ description: 'The newest key’s id, which seals and keys every new value.' })
  currentKeyId!: string;

  @Field(() => [SealedValueCountType], { description: 'Sealed values re-sealed under the newest key, per kind.' })
  resealed!: SealedValueCountType[];

  @Field(() => [SealedValueCountType], { description: 'Sealed values that could not be opened (left as they were), per kind.' })
  failed!: SealedValueCountType[];

  @Field(() => [SealedValueCountType], {
    description:
      'Digests of secrets the server never stores (client secrets, registration and initial access tokens) still keyed under older keys: they cannot be recomputed; a client secret moves at its next use.',
  })
  digestsLeft!: SealedValueCountType[];

  @Field(() => Int, { description: 'Values still under a key other than the newest (failed sealed values and digests).' })
  leftOnOldKeys!: number;
}

export function toSecretRotationReportType(report: SecretRotationReport): SecretRotationReportType {
  const counts = (record: Readonly<Record<string, number>>) =>
    Object.entries(record).map(([kind, count]) => ({ kind, keyId: null, count }));
  return {
    currentKeyId: report.currentKeyId,
    resealed: counts(report.resealed),
    failed: counts(report.failed),
    digestsLeft: Object.entries(report.digestsLeft).flatMap(([kind, byKey]) =>
      Object.entries(byKey).map(([keyId, count]) => ({ kind, keyId, count })),
    ),
    leftOnOldKeys: report.leftOnOldKeys,
  };
}
