/**
 * The extensions this service implements, as a Zed Neutron lists them (alias, name, description,
 * updated, links copied from the lab's GET /v2.0/extensions). Clients check some by name
 * (python-openstackclient looks for "Availability Zone").
 */
export interface Extension { name: string; alias: string; description: string; updated: string; links: unknown[] }

export const EXTENSIONS: Extension[] = [
{
  "name": "Floating IP Port Details Extension",
  "alias": "fip-port-details",
  "description": "Add port_details attribute to Floating IP resource",
  "updated": "2018-04-09T10:00:00-00:00",
  "links": []
},
  {
    "name": "Allowed Address Pairs",
    "alias": "allowed-address-pairs",
    "description": "Provides allowed address pairs",
    "updated": "2013-07-23T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Availability Zone",
    "alias": "availability_zone",
    "description": "The availability zone extension.",
    "updated": "2015-01-01T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Availability Zone Filter Extension",
    "alias": "availability_zone_filter",
    "description": "Add filter parameters to AvailabilityZone resource",
    "updated": "2018-06-22T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Default Subnetpools",
    "alias": "default-subnetpools",
    "description": "Provides ability to mark and use a subnetpool as the default.",
    "updated": "2016-02-18T18:00:00-00:00",
    "links": []
  },
  {
    "name": "Empty String Filtering Extension",
    "alias": "empty-string-filtering",
    "description": "Allow filtering by attributes with empty string value",
    "updated": "2018-05-01T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Neutron external network",
    "alias": "external-net",
    "description": "Adds external network attribute to network resource.",
    "updated": "2013-01-14T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Neutron Extra DHCP options",
    "alias": "extra_dhcp_opt",
    "description": "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)",
    "updated": "2013-03-17T12:00:00-00:00",
    "links": []
  },
  {
    "name": "Neutron Extra Route",
    "alias": "extraroute",
    "description": "Extra routes configuration for L3 router",
    "updated": "2013-02-01T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Filter parameters validation",
    "alias": "filter-validation",
    "description": "Provides validation on filter parameters.",
    "updated": "2018-07-04T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Neutron L3 Router",
    "alias": "router",
    "description": "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.",
    "updated": "2012-07-20T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Neutron L3 Configurable external gateway mode",
    "alias": "ext-gw-mode",
    "description": "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway",
    "updated": "2013-03-28T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Network MTU",
    "alias": "net-mtu",
    "description": "Provides MTU attribute for a network resource.",
    "updated": "2015-03-25T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Network MTU (writable)",
    "alias": "net-mtu-writable",
    "description": "Provides a writable MTU attribute for a network resource.",
    "updated": "2017-07-12T00:00:00-00:00",
    "links": []
  },
  {
    "name": "Network Availability Zone",
    "alias": "network_availability_zone",
    "description": "Availability zone support for network.",
    "updated": "2015-01-01T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Network IP Availability",
    "alias": "network-ip-availability",
    "description": "Provides IP availability data for each network and subnet.",
    "updated": "2015-09-24T00:00:00-00:00",
    "links": []
  },
  {
    "name": "Pagination support",
    "alias": "pagination",
    "description": "Extension that indicates that pagination is enabled.",
    "updated": "2016-06-12T00:00:00-00:00",
    "links": []
  },
  {
    "name": "Port Binding",
    "alias": "binding",
    "description": "Expose port bindings of a virtual port to external application",
    "updated": "2014-02-03T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Port Security",
    "alias": "port-security",
    "description": "Provides port security",
    "updated": "2012-07-23T10:00:00-00:00",
    "links": []
  },
  {
    "name": "project_id field enabled",
    "alias": "project-id",
    "description": "Extension that indicates that project_id field is enabled.",
    "updated": "2016-09-09T09:09:09-09:09",
    "links": []
  },
  {
    "name": "Provider Network",
    "alias": "provider",
    "description": "Expose mapping of virtual networks to physical networks",
    "updated": "2012-09-07T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Quota management support",
    "alias": "quotas",
    "description": "Expose functions for quotas management per project",
    "updated": "2012-07-29T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Quota details management support",
    "alias": "quota_details",
    "description": "Expose functions for quotas usage statistics per project",
    "updated": "2017-02-10T10:00:00-00:00",
    "links": []
  },
  {
    "name": "If-Match constraints based on revision_number",
    "alias": "revision-if-match",
    "description": "Extension indicating that If-Match based on revision_number is supported.",
    "updated": "2016-12-11T00:00:00-00:00",
    "links": []
  },
  {
    "name": "Resource revision numbers",
    "alias": "standard-attr-revisions",
    "description": "This extension will display the revision number of neutron resources.",
    "updated": "2016-04-11T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Router Availability Zone",
    "alias": "router_availability_zone",
    "description": "Availability zone support for router.",
    "updated": "2015-01-01T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Normalized CIDR field for security group rules",
    "alias": "security-groups-normalized-cidr",
    "description": "Add new field with normalized remote_ip_prefix cidr in SG rule",
    "updated": "2020-07-28T10:00:00-00:00",
    "links": []
  },
  {
    "name": "security-group",
    "alias": "security-group",
    "description": "The security groups extension.",
    "updated": "2012-10-05T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Sorting support",
    "alias": "sorting",
    "description": "Extension that indicates that sorting is enabled.",
    "updated": "2016-06-12T00:00:00-00:00",
    "links": []
  },
  {
    "name": "standard-attr-description",
    "alias": "standard-attr-description",
    "description": "Extension to add descriptions to standard attributes",
    "updated": "2016-02-10T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Stateful security group",
    "alias": "stateful-security-group",
    "description": "Indicates if the security group is stateful or not",
    "updated": "2019-11-26T09:00:00-00:00",
    "links": []
  },
  {
    "name": "Subnet Allocation",
    "alias": "subnet_allocation",
    "description": "Enables allocation of subnets from a subnet pool",
    "updated": "2015-03-30T10:00:00-00:00",
    "links": []
  },
  {
    "name": "Tag support for resources with standard attribute: port, subnet, subnetpool, network, security_group, router, floatingip, policy, trunk, network_segment_range",
    "alias": "standard-attr-tag",
    "description": "Enables to set tag on resources with standard attribute.",
    "updated": "2017-01-01T00:00:00-00:00",
    "links": []
  },
  {
    "name": "Resource timestamps",
    "alias": "standard-attr-timestamp",
    "description": "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.",
    "updated": "2016-09-12T10:00:00-00:00",
    "links": []
  }
];
