/*
 * teams-js, as soon as it loads, fetches Microsoft's list of Teams host domains from a CDN, and fetches it
 * again when a message comes from a host it does not know. It has no setting to stop this. The tab's page
 * policy allows only its own origin, so the browser refused the fetch and logged a CSP error each time.
 *
 * This module, imported before teams-js, answers that one URL in the page with "not available", so nothing
 * leaves the page: teams-js then uses the list of Teams domains it ships with (its documented fallback), and
 * the development host is same-origin, which teams-js accepts without any list. Every other request goes
 * through untouched.
 */
const VALID_DOMAINS_LIST = /^https:\/\/res\.cdn\.office\.net\/teams-js\/validDomains\//;

const requestUrl = (input: RequestInfo | URL): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

if (typeof window !== 'undefined' && typeof window.fetch === 'function') {
  const fetchFromNetwork = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    VALID_DOMAINS_LIST.test(requestUrl(input))
      ? Promise.resolve(new Response(null, { status: 404, statusText: 'Not fetched' }))
      : fetchFromNetwork(input, init);
}

export {};
