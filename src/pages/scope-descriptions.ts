/** What each scope lets a client do, in words for the consent page (docs/contract.md "Scopes"). */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in and know who you are',
  profile: 'See your basic profile: name and username',
  email: 'See your email address',
  phone: 'See your phone number',
  username: 'See your username',
  firstname: 'See your first name',
  lastname: 'See your last name',
  offline_access: 'Keep access while you are not using the app',
  admin: 'Administer this tenant: its clients, users and keys',
};

/** A human description of a scope; unknown scopes are shown by name. */
export const describeScope = (scope: string): string => DESCRIPTIONS[scope] ?? `Use the "${scope}" permission`;
