/** (being built) Registers the topology's compute hosts: services, compute nodes, resource providers, zones. */
import type { ComputeApi } from './context';

export function registerHosts(_api: ComputeApi): void {}
