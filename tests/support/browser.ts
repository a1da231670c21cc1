import { CookieJar } from './cookie-jar';

export interface PageResponse {
  status: number;
  headers: Headers;
  location: string | null;
  body: string;
}

/** A fetch-based "browser": keeps cookies, never follows redirects, so each hop can be asserted. */
export class FetchBrowser {
  readonly jar = new CookieJar();

  /** `headers` go with every request (e.g. an `X-Forwarded-For` a trusted proxy would add). */
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async get(pathOrUrl: string): Promise<PageResponse> {
    return this.send(pathOrUrl, { method: 'GET' });
  }

  async post(pathOrUrl: string, form: Record<string, string | undefined>): Promise<PageResponse> {
    const body = new URLSearchParams(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));
    return this.send(pathOrUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  private async send(pathOrUrl: string, init: RequestInit): Promise<PageResponse> {
    const url = new URL(pathOrUrl, this.baseUrl).toString();
    const cookie = this.jar.header(url);
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...this.headers, ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    this.jar.store(response);
    return { status: response.status, headers: response.headers, location: response.headers.get('location'), body: await response.text() };
  }
}

const decodeEntities = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!);

/** The hidden inputs of a page's form, by name. */
export function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]!] = decodeEntities(match[2]!);
  return fields;
}

/** The query parameters of a redirect Location. */
export const queryOf = (location: string | null): Record<string, string> =>
  Object.fromEntries(new URL(location ?? 'about:blank').searchParams);

/** A value the account page shows once, by the id of its `<code class="secret">`. */
export function secretOnPage(page: string, id: string): string {
  const match = new RegExp(`<code class="secret" id="${id}">([^<]+)</code>`).exec(page);
  if (!match) throw new Error(`no ${id} on the page`);
  return match[1]!;
}
