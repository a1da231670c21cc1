import { randomUUID } from 'node:crypto';
import { ADMIN_SCOPE, type Actor } from '../../../../src/domain/actor';
import type { ChangeBus } from '../../../../src/domain/changes/change-bus';
import { isDomainError, type DomainError } from '../../../../src/domain/errors';
import type { Page } from '../../../../src/domain/pagination';
import type { BrowserSession, SessionRecord } from '../../../../src/domain/sessions/browser-session';
import { BrowserSessionService } from '../../../../src/domain/sessions/browser-session.service';
import type {
  BrowserSessionStore,
  EndedSessionRow,
  ListedSession,
  SessionSelector,
} from '../../../../src/domain/sessions/browser-session-store';
import { IGNORE_ENDED_SESSIONS } from '../../../../src/domain/sessions/session-ended';
import type { TenantService } from '../../../../src/domain/tenants/tenant.service';
import { hashPassword } from '../../../../src/domain/users/password-hasher';
import type { User } from '../../../../src/domain/users/user';
import { UserService } from '../../../../src/domain/users/user.service';
import type { NewUser, UserChanges, UserCredentials, UserStore } from '../../../../src/domain/users/user-store';

/**
 * UserService and BrowserSessionService run on any implementation of their
 * ports: plain values cross them (no entity, no row), and what an update
 * writes is the set of changes the service hands back to the store.
 */
const ACME: string = randomUUID();
const OTHER: string = randomUUID();
const PATHS = new Map([
  [ACME, '/acme'],
  [OTHER, '/other'],
]);

const acmeAdmin: Actor = { subject: 'c', clientId: 'c', tenantId: ACME, tenantPath: '/acme', scopes: [ADMIN_SCOPE], jti: 'j' };

/** The tenant lookups UserService makes for a subtree check. */
const tenants = {
  findById: (id: string) => (PATHS.has(id) ? { id, path: PATHS.get(id)! } : null),
} as unknown as TenantService;

class MemoryUsers implements UserStore {
  readonly rows = new Map<string, { user: User; passwordHash: string }>();
  readonly writes: UserChanges[] = [];
  seen: User | null = null;

  add(tenantId: string, username: string, passwordHash: string, enabled = true): User {
    const now = new Date();
    const user: User = Object.freeze({
      id: randomUUID(),
      tenantId,
      username,
      email: null,
      emailVerified: false,
      phone: null,
      firstname: null,
      lastname: null,
      enabled,
      admin: false,
      createdAt: now,
      updatedAt: now,
    });
    this.rows.set(user.id, { user, passwordHash });
    return user;
  }

  async findById(id: string): Promise<User | null> {
    return this.rows.get(id)?.user ?? null;
  }

  async findForRecovery(tenantId: string, identifier: string, limit: number): Promise<User[]> {
    const key = identifier.toLowerCase();
    return [...this.rows.values()]
      .map((row) => row.user)
      .filter((user) => user.tenantId === tenantId && (user.username.toLowerCase() === key || user.email?.toLowerCase() === key))
      .slice(0, limit);
  }
  load = this.findById;
  async findCredentials(tenantId: string, username: string): Promise<UserCredentials | null> {
    const row = [...this.rows.values()].find(
      (r) => r.user.tenantId === tenantId && r.user.username.toLowerCase() === username.toLowerCase(),
    );
    return row ? { user: row.user, passwordHash: row.passwordHash } : null;
  }
  async page(): Promise<Page<User>> {
    throw new Error('not used');
  }
  async insert(user: NewUser): Promise<User> {
    return this.add(user.tenantId, user.username, user.passwordHash);
  }
  async modify(id: string, change: (current: User) => Promise<UserChanges>): Promise<User | null> {
    const row = this.rows.get(id);
    if (!row) return null;
    this.seen = row.user;
    const changes = await change(row.user);
    this.writes.push(changes);
    const { passwordHash, ...fields } = changes;
    const user = Object.freeze({ ...row.user, ...fields });
    this.rows.set(id, { user, passwordHash: passwordHash ?? row.passwordHash });
    return user;
  }
  async delete(id: string): Promise<void> {
    this.rows.delete(id);
  }
}

class MemorySessions implements BrowserSessionStore {
  readonly stored = new Map<string, BrowserSession & { endedAt: Date | null }>();

  async insert(session: BrowserSession): Promise<BrowserSession> {
    this.stored.set(session.idHash, { ...session, endedAt: null });
    return session;
  }
  async findOpen(idHash: string, now: Date): Promise<SessionRecord | null> {
    const s = this.stored.get(idHash);
    return s && !s.endedAt && s.expiresAt > now ? this.record(s) : null;
  }
  async raise(idHash: string, amr: readonly string[], acr: string, now: Date): Promise<boolean> {
    const s = this.stored.get(idHash);
    if (!s || s.endedAt || s.expiresAt <= now) return false;
    this.stored.set(idHash, { ...s, amr, acr });
    return true;
  }
  async renew(previousIdHash: string, fresh: BrowserSession, now: Date): Promise<BrowserSession | null> {
    const s = this.stored.get(previousIdHash);
    if (!s || s.endedAt || s.expiresAt <= now || s.userId !== fresh.userId || s.tenantId !== fresh.tenantId) return null;
    this.stored.delete(previousIdHash);
    const renewed = { ...fresh, sid: s.sid };
    this.stored.set(fresh.idHash, { ...renewed, endedAt: null });
    return renewed;
  }
  async findOpenBySid(sid: string, now: Date): Promise<SessionRecord | null> {
    const s = [...this.stored.values()].find((candidate) => candidate.sid === sid);
    return s && !s.endedAt && s.expiresAt > now ? this.record(s) : null;
  }
  async listOpen(userId: string, now: Date): Promise<ListedSession[]> {
    return [...this.stored.values()]
      .filter((s) => s.userId === userId && !s.endedAt && s.expiresAt > now)
      .map((s) => ({ record: this.record(s), clients: [] }));
  }
  async end(selector: SessionSelector, now: Date): Promise<EndedSessionRow[]> {
    const open = [...this.stored.values()].filter(
      (s) =>
        !s.endedAt &&
        s.expiresAt > now &&
        ('idHash' in selector
          ? s.idHash === selector.idHash
          : 'sids' in selector
            ? selector.sids.includes(s.sid)
            : s.userId === selector.userId),
    );
    open.forEach((s) => (s.endedAt = now));
    return open.map((s) => ({ record: this.record(s), clientIds: [], revokedFamilyIds: [] }));
  }
  private record(s: BrowserSession): SessionRecord {
    const { idHash, sid, tenantId, userId, authTime, expiresAt, amr, acr } = s;
    return { session: { idHash, sid, tenantId, userId, authTime, expiresAt, amr, acr }, userActive: true, userCutoffMs: null };
  }
}

const bus: ChangeBus = { publish: async () => undefined } as unknown as ChangeBus;
const clock = { now: () => new Date() };
const ports = { familiesRevoked: async () => undefined, warn: () => undefined };

const rejection = async (promise: Promise<unknown>): Promise<DomainError> => {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
};

describe('UserService on its UserStore port', () => {
  let users: MemoryUsers;
  let sessions: MemorySessions;
  let service: UserService;

  beforeEach(() => {
    users = new MemoryUsers();
    sessions = new MemorySessions();
    service = new UserService(bus, users, tenants, new BrowserSessionService(sessions, clock, ports, IGNORE_ENDED_SESSIONS), async () => 0);
  });

  it('hands the store its changes only, computed from a frozen plain user', async () => {
    const alice = users.add(ACME, 'alice', 'hash');
    const updated = await service.update(acmeAdmin, alice.id, { email: ' alice@example.com ', username: 'Alice' });
    expect(Object.isFrozen(users.seen)).toBe(true);
    expect(users.seen).toEqual(alice);
    // A new email is unverified until its link is opened.
    expect(users.writes).toEqual([{ email: 'alice@example.com', emailVerified: false, username: 'Alice' }]);
    expect(updated).toMatchObject({ id: alice.id, username: 'Alice', email: 'alice@example.com', enabled: true });
    expect(updated).not.toHaveProperty('passwordHash');
  });

  it('checks the subtree before validating: a user outside it is not_found, and nothing is written', async () => {
    const bob = users.add(OTHER, 'bob', 'hash');
    const error = await rejection(service.update(acmeAdmin, bob.id, { email: 'not an email' }));
    expect(error.code).toBe('not_found');
    expect(users.writes).toEqual([]);
  });

  it("writes a new password as its hash only and ends the user's browser sessions", async () => {
    const carol = users.add(ACME, 'carol', await hashPassword('old password 1'));
    const { token } = await new BrowserSessionService(sessions, clock, ports, IGNORE_ENDED_SESSIONS).start(ACME, carol.id);
    await service.setPassword(acmeAdmin, carol.id, 'new password 2');
    expect(users.writes).toHaveLength(1);
    expect(Object.keys(users.writes[0]!)).toEqual(['passwordHash']);
    expect(users.writes[0]!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await new BrowserSessionService(sessions, clock, ports, IGNORE_ENDED_SESSIONS).find(token)).toBeNull();
    expect(await service.verifyCredentials(ACME, 'CAROL', 'new password 2')).toMatchObject({ id: carol.id });
    expect(await service.verifyCredentials(ACME, 'carol', 'old password 1')).toBeNull();
  });

  it("fails a disabled user's correct password like a wrong one", async () => {
    users.add(ACME, 'dave', await hashPassword('right password'), false);
    expect(await service.verifyCredentials(ACME, 'dave', 'right password')).toBeNull();
  });
});

describe('BrowserSessionService on its BrowserSessionStore port', () => {
  it('stores the SHA-256 of the cookie value and finds the session by the value', async () => {
    const sessions = new MemorySessions();
    const service = new BrowserSessionService(sessions, clock, ports, IGNORE_ENDED_SESSIONS);
    const { session, token } = await service.start(ACME, randomUUID());
    expect([...sessions.stored.keys()]).toEqual([session.idHash]);
    expect(session.idHash).not.toContain(token);
    expect(await service.find(token)).toEqual(session);
    await service.end(token);
    expect(await service.find(token)).toBeNull();
  });
});
