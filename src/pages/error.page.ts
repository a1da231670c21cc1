import type { DomainError } from '../domain/errors';
import { html } from './html';
import { renderPage } from './layout';

const TITLES: Partial<Record<string, string>> = {
  invalid_client: 'Unknown application',
};

/**
 * Shown when a request cannot be answered by redirect (unknown client,
 * unregistered redirect URI, stale form): says what is wrong, links nowhere
 * (RFC 6749 §4.1.2.1).
 */
export function errorPage(error: DomainError): string {
  const title = TITLES[error.code] ?? 'This request cannot continue';
  return renderPage(
    title,
    html`<p class="eyebrow">Sign-in error</p>
<h1>${title}</h1>
<p class="alert" role="alert">${error.description}</p>
<p class="lead">You can close this window and return to the application you came from.</p>
<p class="fine">Error code: <span class="code">${error.code}</span></p>`,
  );
}

/** For failures that are ours, not the request's: no detail is shown. */
export function serverErrorPage(): string {
  return renderPage(
    'Something went wrong',
    html`<p class="eyebrow">Sign-in error</p>
<h1>Something went wrong</h1>
<p class="lead">The server could not complete this request. Please try again in a moment.</p>`,
  );
}
