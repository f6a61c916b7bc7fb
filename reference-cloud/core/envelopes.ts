/**
 * Error envelopes: how each OpenStack service writes an error on the wire.
 * An envelope turns an ApiError into a status, headers and body.
 */
import { ApiError, titleFor } from './errors';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentType: string;
}

export type ErrorEnvelope = (err: ApiError) => RenderedError;

const json = (err: ApiError, body: unknown): RenderedError => ({
  status: err.status,
  headers: err.headers,
  body: JSON.stringify(body),
  contentType: 'application/json',
});

/** Keystone: {"error":{"code","title","message"}} [keystone/server/flask/application.py] */
export const keystoneEnvelope: ErrorEnvelope = (err) =>
  json(err, { error: { code: err.status, title: err.title ?? titleFor(err.status), message: err.message } });

/** Nova and Cinder fault names by status [nova/api/openstack/wsgi.py _fault_names]. */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Nova and Cinder: {"itemNotFound":{"code":404,"message":"..."}} */
export const computeFaultEnvelope: ErrorEnvelope = (err) => {
  const name = FAULT_NAMES[err.status] ?? 'computeFault';
  const fault: Record<string, unknown> = { code: err.status, message: err.message };
  if (err.status === 413 || err.status === 429) {
    const retry = err.headers['Retry-After'];
    if (retry) fault.retryAfter = retry;
  }
  return json(err, { [name]: fault });
};

/** Neutron: {"NeutronError":{"type","message","detail"}} [neutron/api/api_common.py] */
export const neutronEnvelope: ErrorEnvelope = (err) =>
  json(err, {
    NeutronError: { type: err.type ?? defaultNeutronType(err.status), message: err.message, detail: err.detail ?? '' },
  });

function defaultNeutronType(status: number): string {
  switch (status) {
    case 400: return 'HTTPBadRequest';
    case 401: return 'HTTPUnauthorized';
    case 403: return 'HTTPForbidden';
    case 404: return 'HTTPNotFound';
    case 405: return 'HTTPMethodNotAllowed';
    case 409: return 'HTTPConflict';
    default: return 'HTTPInternalServerError';
  }
}

/** Glance: webob's JSON error body {"message","code":"404 Not Found","title"} */
export const glanceEnvelope: ErrorEnvelope = (err) => {
  const title = err.title ?? titleFor(err.status);
  return json(err, { message: err.message, code: `${err.status} ${title}`, title });
};

/** Heat: {"code","title","explanation","error":{"type","message","traceback"}} [heat/api/middleware/fault.py] */
export const heatEnvelope: ErrorEnvelope = (err) => {
  const title = err.title ?? titleFor(err.status);
  return json(err, {
    code: err.status,
    title,
    explanation: err.detail ?? explanationFor(err.status),
    error: { type: err.type ?? title.replace(/ /g, ''), message: err.message, traceback: null },
  });
};

function explanationFor(status: number): string {
  switch (status) {
    case 400: return 'The server could not comply with the request since it is either malformed or otherwise incorrect.';
    case 401: return 'This server could not verify that you are authorized to access the document you requested.';
    case 403: return 'Access was denied to this resource.';
    case 404: return 'The resource could not be found.';
    case 409: return 'There was a conflict when trying to complete your request.';
    default: return 'The server has either erred or is incapable of performing the requested operation.';
  }
}

/** Swift: plain text or small HTML bodies, e.g. "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>" */
export const swiftEnvelope: ErrorEnvelope = (err) => ({
  status: err.status,
  headers: err.headers,
  body: `<html><h1>${titleFor(err.status)}</h1><p>${escapeHtml(err.message)}</p></html>`,
  contentType: 'text/html; charset=UTF-8',
});

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
