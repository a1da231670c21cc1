import { Field, Int, ObjectType } from 'type-graphql';
import type { ProvisioningOutcome } from '../../domain/provisioning/provisioning-scope';

@ObjectType('ProvisioningCounts', { simpleResolvers: true, description: 'What an apply did to the entries of one kind.' })
export class ProvisioningCountsType {
  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;
}

@ObjectType('GeneratedClientSecret', {
  simpleResolvers: true,
  description: 'The secret the server chose for a confidential client created without one; shown once, only its keyed digest is stored.',
})
export class GeneratedClientSecretType {
  @Field()
  clientId!: string;

  @Field()
  clientSecret!: string;
}

@ObjectType('ProvisioningReport', { simpleResolvers: true, description: 'What `applyProvisioning` did, per kind of entry.' })
export class ProvisioningReportType {
  @Field(() => ProvisioningCountsType)
  tenants!: ProvisioningCountsType;

  @Field(() => ProvisioningCountsType)
  apis!: ProvisioningCountsType;

  @Field(() => ProvisioningCountsType)
  roles!: ProvisioningCountsType;

  @Field(() => ProvisioningCountsType)
  clients!: ProvisioningCountsType;

  @Field(() => ProvisioningCountsType)
  users!: ProvisioningCountsType;

  @Field(() => ProvisioningCountsType)
  identityProviders!: ProvisioningCountsType;

  @Field(() => [GeneratedClientSecretType])
  generatedSecrets!: GeneratedClientSecretType[];
}

export const toProvisioningReportType = ({ report, generatedSecrets }: ProvisioningOutcome): ProvisioningReportType => ({
  ...report,
  generatedSecrets,
});
