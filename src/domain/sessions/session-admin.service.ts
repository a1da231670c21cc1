import { requireAdmin, resolveInScope, type Actor } from '../actor';
import type { TenantService } from '../tenants/tenant.service';
import type { UserService } from '../users/user.service';
import type { BrowserSessionService } from './browser-session.service';
import type { ListedSession } from './browser-session-store';

/**
 * Browser sessions as the admin API and the account page see them: listing a user's sessions and
 * ending one. An admin reaches the users of its subtree only; a session or user outside it is
 * answered exactly like one that does not exist. Ending goes through {@link BrowserSessionService},
 * which revokes what the session issued and reports it to the session-ended sink.
 */
export class SessionAdminService {
  constructor(
    private readonly sessions: BrowserSessionService,
    private readonly users: UserService,
    private readonly tenants: TenantService,
  ) {}

  /** `sessions(userId)`: the user's sessions that still count, newest first. */
  async list(actor: Actor, userId: string): Promise<ListedSession[]> {
    const user = await this.users.get(actor, userId);
    return this.sessions.listOf(user.id);
  }

  /** `me { sessions }`: the sessions of the user the caller's token was issued to (none for a client token). */
  async mine(actor: Actor): Promise<ListedSession[]> {
    return actor.userId ? this.sessions.listOf(actor.userId) : [];
  }

  /** `endSession(id)`: ends one session of a user in the actor's subtree; `not_found` otherwise. */
  async end(actor: Actor, sid: string): Promise<true> {
    requireAdmin(actor);
    const session = await resolveInScope(actor, this.tenants, 'session', sid, () => this.sessions.findBySid(sid));
    await this.sessions.endBySid(session.sid);
    return true;
  }

  /** The account page: the signed-in user ends one of their own sessions; false when it is not theirs or not open. */
  async endOwn(userId: string, sid: string): Promise<boolean> {
    const session = await this.sessions.findBySid(sid);
    if (!session || session.userId !== userId) return false;
    return this.sessions.endBySid(sid);
  }

  /** The account page's "Sign out everywhere else": every session of the user but `currentSid`; how many still counted. */
  async endOthers(userId: string, currentSid: string): Promise<number> {
    return this.sessions.endAllOf(userId, currentSid);
  }
}
