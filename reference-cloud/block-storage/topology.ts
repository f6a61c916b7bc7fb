/**
 * The simulated cinder-volume backends, from the configuration's `block_storage:` mapping.
 * (Skeleton: one backend; the full reading is to be written.)
 */
export interface Backend {
  /** host@backend#pool, as os-vol-host-attr:host shows it. */
  host: string;
  backendName: string;
  zone: string;
  capacityGb: number;
  capabilities: Record<string, unknown>;
}

export interface Topology {
  backends: Backend[];
  /** The zones volumes can be created in (distinct backend zones). */
  zones: string[];
  /** The name of the default volume type (Cinder's default_volume_type). */
  defaultType: string;
}

export function readTopology(_raw: Record<string, unknown> | undefined): Topology {
  const backends: Backend[] = [{ host: 'stackproof@lvmdriver-1#lvmdriver-1', backendName: 'lvmdriver-1', zone: 'nova', capacityGb: 1000, capabilities: {} }];
  return { backends, zones: ['nova'], defaultType: 'lvmdriver-1' };
}
