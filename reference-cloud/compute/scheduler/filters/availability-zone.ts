/** AvailabilityZoneFilter: the host is in the zone the server asked for, if any. */
import type { HostFilter } from '../filter';

export const availabilityZoneFilter: HostFilter = {
  name: 'AvailabilityZoneFilter',
  passes: (host, { spec }) => !spec.availability_zone || host.zone === spec.availability_zone,
};
