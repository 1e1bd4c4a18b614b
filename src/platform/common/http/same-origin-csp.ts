/**
 * Content-Security-Policy of our own web pages (the dashboard and /docs): they load only their own files
 * and call only their own origin, so an injected script has nowhere to come from or report to.
 */
export const SAME_ORIGIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
