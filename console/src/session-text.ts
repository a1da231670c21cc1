/** How the console words a user's browser sessions and ending them. */

/** `1 session`, `3 sessions`. */
const sessionCount = (count: number): string => `${count} ${count === 1 ? 'session' : 'sessions'}`;

/** The clients a session signed into, by name (the client id when the name is empty). */
export const sessionClientsText = (clients: readonly { clientId: string; name: string }[]): string =>
  clients.length === 0 ? 'none yet' : clients.map((client) => client.name || client.clientId).join(', ');

/** RFC 8176 methods as the API gives them: `pwd, otp`. */
export const amrText = (amr: readonly string[]): string => (amr.length === 0 ? '—' : amr.join(', '));

/** The question before ending one session. */
export const confirmEndSession = (username: string, started: string): string =>
  `End the session of ${username} started ${started}? Its clients are signed out and the tokens it issued are revoked.`;

/** The question before ending every session of a user, with how many are listed. */
export const confirmEndAll = (username: string, listed: number): string =>
  `End all ${sessionCount(listed)} of ${username}? They are signed out everywhere and the tokens those sessions issued are revoked.`;

/** The result line after endSession or endUserSessions. */
export const sessionsEnded = (username: string, count: number): string => `Ended ${sessionCount(count)} of ${username}.`;
