/** Neutron's exceptions as they appear on the wire: the class name is the NeutronError type. */
import { ApiError } from '../core/errors';

export const neutronError = (status: number, type: string, message: string) => new ApiError(status, message, { type });

/** webob HTTPBadRequest raised by the API layer (attribute parsing). */
export const badRequest = (message: string) => neutronError(400, 'HTTPBadRequest', message);
/** neutron_lib InvalidInput. */
export const invalidInput = (message: string) => neutronError(400, 'InvalidInput', `Invalid input for operation: ${message}.`);
export const invalidAttr = (attr: string, reason: string) => badRequest(`Invalid input for ${attr}. Reason: ${reason}`);
export const inUse = (type: string, message: string) => neutronError(409, type, message);
export const conflict = (type: string, message: string) => neutronError(409, type, message);

export const policyDenied = (rule: string) => neutronError(403, 'PolicyNotAuthorized', `${rule} is disallowed by policy`);

export const overQuota = (resources: string[]) =>
  neutronError(409, 'OverQuota', `Quota exceeded for resources: [${resources.map((r) => `'${r}'`).join(', ')}].`);
