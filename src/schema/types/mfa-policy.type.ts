import { registerEnumType } from 'type-graphql';

export enum MfaPolicyEnum {
  OFF = 'OFF',
  OPTIONAL = 'OPTIONAL',
  REQUIRED = 'REQUIRED',
}
registerEnumType(MfaPolicyEnum, {
  name: 'MfaPolicy',
  description: 'Whether a tenant’s users sign in with a second factor (TOTP) after their password.',
  valuesConfig: {
    OFF: { description: 'No second factor is offered or asked for.' },
    OPTIONAL: { description: 'Users may set one up on the account page; a user who did is always asked for it. The default.' },
    REQUIRED: {
      description: 'Every user (or every holder of one of `mfaRequiredRoles`) must use one; enrolment is forced at the next sign-in.',
    },
  },
});
