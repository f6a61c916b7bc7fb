/**
 * Container ACLs (X-Container-Read / X-Container-Write) as swift/common/middleware/acl.py
 * cleans, parses and matches them: `.r:<referrer>` designations (`*`, a host, `.domain`,
 * `-` to deny), `.rlistings`, and groups (`<project>:<user>`, `<project>:*`, `*:<user>`, roles).
 */

export class AclError extends Error {}

/** acl.clean_acl: the tidied value, or AclError with Swift's sentence. */
export function cleanAcl(headerName: string, value: string): string {
  const name = headerName.toLowerCase();
  const values: string[] = [];
  for (const raw0 of value.split(',')) {
    const raw = raw0.trim();
    if (!raw) continue;
    if (!raw.includes(':')) {
      values.push(raw);
      continue;
    }
    const i = raw.indexOf(':');
    const first = raw.slice(0, i).trim();
    let second = raw.slice(i + 1).trim();
    if (!first || !first.startsWith('.')) {
      values.push(raw);
    } else if (['.r', '.ref', '.referer', '.referrer'].includes(first)) {
      if (name.includes('write')) throw new AclError(`Referrers not allowed in write ACL: ${pyRepr(raw)}`);
      let negate = false;
      if (second.startsWith('-')) {
        negate = true;
        second = second.slice(1).trim();
      }
      if (second && second !== '*' && second.startsWith('*')) second = second.slice(1).trim();
      if (!second || second === '.') throw new AclError(`No host/domain value after referrer designation in ACL: ${pyRepr(raw)}`);
      values.push(`.r:${negate ? '-' : ''}${second}`);
    } else {
      throw new AclError(`Unknown designator ${pyRepr(first)} in ACL: ${pyRepr(raw)}`);
    }
  }
  return values.join(',');
}

/** acl.parse_acl (v1): referrer designations (without `.r:`) and groups. */
export function parseAcl(acl: string | undefined): { referrers: string[]; groups: string[] } {
  const referrers: string[] = [];
  const groups: string[] = [];
  if (acl) {
    for (const value of acl.split(',')) {
      if (value.startsWith('.r:')) referrers.push(value.slice(3));
      else groups.push(safeUnquote(value));
    }
  }
  return { referrers, groups };
}

/** acl.referrer_allowed: the designations apply in order; the last that matches decides. */
export function referrerAllowed(referrer: string | undefined, referrers: string[]): boolean {
  let allow = false;
  if (referrers.length) {
    const rhost = hostOf(referrer ?? '') || 'unknown';
    for (let m of referrers) {
      if (m.startsWith('-')) {
        m = m.slice(1);
        if (m === rhost || (m.startsWith('.') && rhost.endsWith(m))) allow = false;
      } else if (m === '*' || m === rhost || (m.startsWith('.') && rhost.endsWith(m))) {
        allow = true;
      }
    }
  }
  return allow;
}

/** urlparse(referrer).hostname: lower-cased, without port or credentials; '' when there is none. */
function hostOf(url: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (!m) return '';
  let host = m[1]!.replace(/^.*@/, '');
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']') < 0 ? undefined : host.indexOf(']'));
  else host = host.replace(/:\d*$/, '');
  return host.toLowerCase();
}

function safeUnquote(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Python's repr() of a str, as Swift's messages embed it. */
export function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    .replace(q === "'" ? /'/g : /"/g, q === "'" ? "\\'" : '\\"');
  return `${q}${body}${q}`;
}
