/** Turns a running reference cloud's admin credentials into a harness Target / clouds.yaml entry. */
import type { AdminCredentials } from '../../reference-cloud/core/cloud';
import type { Target } from '../config';

export const REFERENCE_CLOUD_NAME = 'stackproof';

export function targetForCloud(admin: AdminCredentials, name = REFERENCE_CLOUD_NAME): Target {
  return {
    name,
    authType: 'password',
    auth: {
      authUrl: admin.authUrl,
      username: admin.username,
      password: admin.password,
      projectName: admin.projectName,
      userDomainName: admin.userDomainName,
      projectDomainName: admin.projectDomainName,
    },
    regionName: admin.region,
    interface: 'public',
    verify: true,
  };
}
