/**
 * Swift's answers outside the JSON world: swob's small HTML error pages and the short plain
 * sentences of its constraint checks (docs/swift-wire-notes.md section 1).
 */
import type { SwiftResponse } from './context';

/** swob's default title and explanation per status. */
const DEFAULTS: Record<number, [string, string]> = {
  202: ['Accepted', 'The request is accepted for processing.'],
  400: ['Bad Request', 'The server could not comply with the request since it is either malformed or otherwise incorrect.'],
  401: ['Unauthorized', 'This server could not verify that you are authorized to access the document you requested.'],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'The method is not allowed for this resource.'],
  406: ['Not Acceptable', 'The resource is not available in a format acceptable to your browser.'],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  411: ['Length Required', 'Content-Length header required.'],
  412: ['Precondition Failed', 'A precondition for this request was not met.'],
  413: ['Request Entity Too Large', 'The body of your request was too large for this server.'],
  414: ['Request URI Too Long', 'The request URI was too long for this server.'],
  416: ['Requested Range Not Satisfiable', 'The Range requested is not available.'],
  422: ['Unprocessable Entity', 'Unable to process the contained instructions'],
  499: ['Client Disconnect', 'The client was disconnected during request.'],
  501: ['Not Implemented', 'The requested method is not implemented by this server.'],
  500: ['Internal Error', 'The server has either erred or is incapable of performing the requested operation.'],
  503: ['Service Unavailable', 'The server is currently unavailable. Please try again at a later time.'],
};

export const HTML = 'text/html; charset=UTF-8';

/** swob's default page for a status: `<html><h1>Not Found</h1><p>The resource could not be found.</p></html>`. */
export function swobPage(status: number, headers: Record<string, string> = {}): SwiftResponse {
  const [title, explanation] = DEFAULTS[status] ?? ['Error', 'An error occurred.'];
  return { status, headers: { 'Content-Type': HTML, ...headers }, body: `<html><h1>${title}</h1><p>${explanation}</p></html>` };
}

/** A short sentence as Swift's constraint checks write it (`Missing Content-Length header.`). */
export function sentence(status: number, text: string, contentType = 'text/plain', headers: Record<string, string> = {}): SwiftResponse {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body: text };
}

/** An empty answer (`Content-Length: 0`), with swob's default Content-Type. */
export function empty(status: number, headers: Record<string, string> = {}): SwiftResponse {
  return { status, headers: { 'Content-Type': HTML, 'Content-Length': '0', ...headers } };
}

/** Swift's X-Timestamp of a moment: seconds with five decimals (`1795568922.22872`). */
export function xTimestamp(d: Date | number): string {
  const ms = typeof d === 'number' ? d : d.getTime();
  return (ms / 1000).toFixed(5);
}

/** Last-Modified of a timestamp: Swift rounds the X-Timestamp UP to the next whole second. */
export function lastModified(ts: string | number): string {
  return new Date(Math.ceil(Number(ts)) * 1000).toUTCString();
}
