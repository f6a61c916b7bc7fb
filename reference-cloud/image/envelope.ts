/**
 * Glance's errors are webob's: the body is negotiated by Accept (HTML when the client names
 * nothing better, JSON for application/json, else plain text), and the message is webob's
 * template "<explanation><br /><br />\n<detail>\n\n" [webob/exc.py WSGIHTTPException].
 */
import type { ErrorEnvelope, RenderedError } from '../core/envelopes';
import { ApiError, titleFor } from '../core/errors';

/** ApiError.type for a message that already is webob's complete body (no template around it). */
export const VERBATIM = 'webob-verbatim';

/** Webob's own titles where they differ from the common ones. */
const TITLES: Record<number, string> = { 416: 'Request Range Not Satisfiable' };

/** What webob says for the errors the HTTP layer raises in every service's words. */
const EXPLANATIONS: Record<string, string> = {
  'The request you have made requires authentication.':
    'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
};

export function webobBody(err: ApiError): string {
  if (err.type === VERBATIM) return err.message;
  const explanation = EXPLANATIONS[err.message] ?? err.message;
  return `${explanation}<br /><br />\n${err.detail ?? ''}\n\n`;
}

const titleOf = (err: ApiError) => err.title ?? TITLES[err.status] ?? titleFor(err.status);

const render = (err: ApiError, contentType: string, body: string): RenderedError => ({ status: err.status, headers: err.headers, body, contentType });

export const glanceJsonEnvelope: ErrorEnvelope = (err) => {
  const title = titleOf(err);
  return render(err, 'application/json', JSON.stringify({ message: webobBody(err), code: `${err.status} ${title}`, title }));
};

export const glanceHtmlEnvelope: ErrorEnvelope = (err) => {
  const code = `${err.status} ${titleOf(err)}`;
  const body = escapeHtml(webobBody(err)).replace(/&lt;br \/&gt;/g, '<br />');
  return render(err, 'text/html; charset=UTF-8',
    `<html>\n <head>\n  <title>${code}</title>\n </head>\n <body>\n  <h1>${code}</h1>\n  ${body}\n </body>\n</html>`);
};

export const glanceTextEnvelope: ErrorEnvelope = (err) =>
  render(err, 'text/plain; charset=UTF-8', `${err.status} ${titleOf(err)}\n\n${webobBody(err).replace(/<br \/>/g, '').replace(/\n+$/, '')}\n\n`);

/** webob's choice: text/html unless the client accepts JSON but not HTML; text/plain when it accepts neither. */
export function glanceEnvelopeFor(accept: string | undefined): ErrorEnvelope {
  if (!accept) return glanceHtmlEnvelope;
  const offers = accept.split(',').map((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)).find(Boolean);
    return { type: type.trim(), q: q ? Number(q[1]) : 1 };
  }).filter((o) => o.q > 0);
  const quality = (t: string) => Math.max(0, ...offers.filter((o) => o.type === t || o.type === '*/*' || o.type === `${t.split('/')[0]}/*`).map((o) => o.q));
  const html = quality('text/html');
  const json = quality('application/json');
  if (html === 0 && json === 0) return glanceTextEnvelope;
  return json > html ? glanceJsonEnvelope : glanceHtmlEnvelope;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
