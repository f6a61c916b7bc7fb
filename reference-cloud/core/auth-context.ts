/** What a validated token says about the caller: the input of every policy decision. */
export interface AuthContext {
  /** The token itself; never logged. */
  token: string;
  userId: string;
  userName: string;
  userDomainId: string;
  userDomainName: string;
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  domainId?: string;
  domainName?: string;
  system?: boolean;
  /** Role names after implied roles are expanded (admin -> manager -> member -> reader). */
  roles: string[];
  roleIds: string[];
  methods: string[];
  auditIds: string[];
  issuedAt: Date;
  expiresAt: Date;
  applicationCredential?: { id: string; name: string; restricted: boolean };
}

export interface TokenValidator {
  /** Validates a token; throws ApiError(401) when it is not valid. */
  validate(token: string): Promise<AuthContext>;
}

export const hasRole = (auth: AuthContext | undefined, role: string): boolean => !!auth && auth.roles.includes(role);
export const isAdmin = (auth: AuthContext | undefined): boolean => hasRole(auth, 'admin');
export const isSystemScoped = (auth: AuthContext | undefined): boolean => !!auth?.system;
