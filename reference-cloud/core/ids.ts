import { randomBytes, randomUUID } from 'node:crypto';

/** Keystone-style id: 32 lowercase hex characters (uuid4 without dashes). */
export const hexId = (): string => randomUUID().replace(/-/g, '');
/** Nova/Neutron/Cinder-style id: a dashed uuid4. */
export const uuid = (): string => randomUUID();
/** oslo request id: req-<uuid4>. */
export const requestId = (): string => `req-${randomUUID()}`;
/** Keystone audit id: urlsafe base64 of 16 random bytes, unpadded (22 characters). */
export const auditId = (): string => randomBytes(16).toString('base64url');
