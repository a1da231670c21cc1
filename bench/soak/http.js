'use strict';
// Minimal HTTP helpers for the soak: every call resolves (status 0 on a
// network error) and carries a bounded timeout, so no loop can hang.

const FORM = 'application/x-www-form-urlencoded';
const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function call(url, init) {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { raw: text.slice(0, 200) };
    }
    return { status: response.status, body, headers: response.headers };
  } catch (error) {
    return { status: 0, body: { error: 'network', detail: String(error?.cause?.code ?? error?.message ?? error) }, headers: new Headers() };
  }
}

const postForm = (url, params, headers = {}) =>
  call(url, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body: new URLSearchParams(params).toString() });

const graphql = (baseUrl, token, query, variables) =>
  call(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });

module.exports = { basic, postForm, graphql };
