/** Keystone's errors with its own wording [keystone/exception.py]. */
import { ApiError } from '../core/errors';

export const notFoundError = (kind: string, id: string) => new ApiError(404, `Could not find ${kind}: ${id}.`);
export const conflictError = (kind: string, detail: string) =>
  new ApiError(409, `Conflict occurred attempting to store ${kind} - ${detail}.`);
export const duplicateName = (kind: string, name: string) => conflictError(kind, `Duplicate entry found with name ${name}`);
export const validationError = (message: string) => new ApiError(400, message);
export const forbiddenAction = (message: string) => new ApiError(403, message);
export { authenticationRequired as unauthenticated } from '../core/errors';

/** The sentence Keystone appends to its 400 ValidationErrors. */
export const CLIENT_ERROR =
  'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';
