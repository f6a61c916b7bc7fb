/**
 * API microversions, as Nova, Cinder and Placement handle them [nova/api/openstack/wsgi.py
 * Request.set_api_version_request, nova/api/openstack/api_version_request.py, microversion_parse]:
 *
 * - the version comes from `OpenStack-API-Version: <service-type> <X.Y>` (a comma-separated list
 *   may name several services), else from the service's legacy header
 *   (`X-OpenStack-Nova-API-Version: X.Y`), else it is the minimum;
 * - `latest` means the maximum;
 * - a version that is not `<major>.<minor>` is 400 ("API Version String ... is of invalid format");
 * - one outside [min, max] is 406 ("Version ... is not supported by the API"), echoing it;
 * - every other answer, errors included, echoes the version in both headers, with `Vary`.
 */
import { ApiError } from './errors';

/** A service's microversion range and headers. */
export interface MicroversionSpec {
  /** The service type named in OpenStack-API-Version: compute, volume, placement. */
  serviceType: string;
  /** The pre-standard header the service also reads and echoes (Nova: X-OpenStack-Nova-API-Version). */
  legacyHeader?: string;
  min: string;
  max: string;
  /**
   * An OpenStack-API-Version header that names only other services is a 400 (Cinder: "The
   * server could not comply..."); Nova and Placement ignore it and run at the minimum.
   */
  otherServiceIsError?: boolean;
}

/** A parsed microversion, e.g. 2.79. Compare with `atLeast`, not with strings ("2.9" > "2.10"). */
export class Microversion {
  readonly major: number;
  readonly minor: number;

  constructor(major: number, minor: number) {
    this.major = major;
    this.minor = minor;
  }

  /** "2.79" → 2.79; undefined for anything else (leading zeros included, as Nova's regex has it). */
  static parse(text: string): Microversion | undefined {
    const m = /^([1-9]\d*)\.([1-9]\d*|0)$/.exec(text);
    return m ? new Microversion(Number(m[1]), Number(m[2])) : undefined;
  }

  static of(text: string): Microversion {
    const v = Microversion.parse(text);
    if (!v) throw new Error(`not a microversion: "${text}"`);
    return v;
  }

  compare(other: Microversion): number {
    return this.major !== other.major ? this.major - other.major : this.minor - other.minor;
  }

  /** True when this version is `version` or later, e.g. `req.microversion.atLeast('2.47')`. */
  atLeast(version: string): boolean {
    return this.compare(Microversion.of(version)) >= 0;
  }

  toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

type Headers = Record<string, string | string[] | undefined>;

function headerValues(headers: Headers, name: string): string[] {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(','));
}

/**
 * The version string the client asked for, or undefined: the service's entry in
 * OpenStack-API-Version wins over the legacy header (microversion_parse.get_version).
 */
export function requestedVersion(headers: Headers, spec: MicroversionSpec): string | undefined {
  for (const entry of headerValues(headers, 'OpenStack-API-Version')) {
    const [type, value, ...rest] = entry.trim().split(/\s+/);
    if (type?.toLowerCase() === spec.serviceType && value !== undefined && rest.length === 0) return value;
  }
  if (spec.legacyHeader) {
    const legacy = headerValues(headers, spec.legacyHeader).map((x) => x.trim()).filter(Boolean);
    if (legacy.length) return legacy[legacy.length - 1];
  }
  return undefined;
}

/** The version a request runs at, or a 400/406 ApiError in the service's words. */
export function negotiate(headers: Headers, spec: MicroversionSpec): Microversion {
  const asked = requestedVersion(headers, spec);
  const min = Microversion.of(spec.min);
  const max = Microversion.of(spec.max);
  if (asked === undefined && spec.otherServiceIsError && headerValues(headers, 'OpenStack-API-Version').some((x) => x.trim())) {
    throw new ApiError(400, 'The server could not comply with the request since it is either malformed or otherwise incorrect.');
  }
  if (asked === undefined) return min;
  if (asked.toLowerCase() === 'latest') return max;
  const v = Microversion.parse(asked);
  if (!v) {
    throw new ApiError(400, `API Version String ${asked} is of invalid format. Must be of format MajorNum.MinorNum.`);
  }
  if (v.compare(min) < 0 || v.compare(max) > 0) {
    // Nova echoes the version asked for on this 406 (nova-zed mv-out-of-range).
    throw new ApiError(406, `Version ${asked} is not supported by the API. Minimum is ${spec.min} and maximum is ${spec.max}.`, { headers: echoHeaders(v, spec) });
  }
  return v;
}

/** The headers every answer at version `v` carries. */
export function echoHeaders(v: Microversion, spec: MicroversionSpec): Record<string, string> {
  const out: Record<string, string> = { 'OpenStack-API-Version': `${spec.serviceType} ${v}` };
  const vary = ['OpenStack-API-Version'];
  if (spec.legacyHeader) {
    out[spec.legacyHeader] = String(v);
    vary.push(spec.legacyHeader);
  }
  out.Vary = vary.join(', ');
  return out;
}
