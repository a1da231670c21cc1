/** A user as the domain hands it out; never carries the password hash. */
export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly email: string | null;
  /** The user proved to receive mail at {@link email} (a verification link); false again whenever the email changes. */
  readonly emailVerified: boolean;
  readonly phone: string | null;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly enabled: boolean;
  /** Holds the admin role for its own tenant and subtree. */
  readonly admin: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
