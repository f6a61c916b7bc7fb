@network @requires:network
Feature: Subnets and subnet pools
  IPv4 and IPv6 subnets get a gateway and allocation pools by default; CIDRs are validated and
  normalised; subnets on one network may not overlap; a gateway must be a usable address and
  stay out of the allocation pools; a subnet made from a subnet pool gets the next free prefix.

  Background:
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-subnets"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"

  @id:534ee459-e55f-4899-9d63-de549a1428f4 @smoke
  Scenario: An IPv4 subnet gets the first address as gateway and the rest as its pool
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-v4", "network_id": "{nid}", "ip_version": 4, "cidr": "10.20.30.0/24"}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.name" in the response is "{prefix}-v4"
    And "subnet.network_id" in the response is "{nid}"
    And "subnet.project_id" in the response is "{project_id}"
    And "subnet.cidr" in the response is "10.20.30.0/24"
    And "subnet.ip_version" in the response is "4"
    And "subnet.gateway_ip" in the response is "10.20.30.1"
    And "subnet.allocation_pools" in the response has 1 item
    And "subnet.allocation_pools[0].start" in the response is "10.20.30.2"
    And "subnet.allocation_pools[0].end" in the response is "10.20.30.254"
    And "subnet.enable_dhcp" in the response is true
    And "subnet.subnetpool_id" in the response is null
    And "subnet.dns_nameservers" in the response has 0 items
    And "subnet.host_routes" in the response has 0 items
    And I remember "subnet.id" from the response as "sid"
    And I remember "subnet.revision_number" from the response as "rev"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response is 200 matching the schema "network/network"
    And the list "network.subnets" in the response contains "{sid}"
    When I send PUT "/v2.0/subnets/{sid}" to the network service with:
      """
      {"subnet": {"name": "{prefix}-v4b", "dns_nameservers": ["192.0.2.53"], "host_routes": [{"destination": "198.51.100.0/24", "nexthop": "10.20.30.9"}]}}
      """
    Then the response is 200 matching the schema "network/subnet"
    And "subnet.dns_nameservers[0]" in the response is "192.0.2.53"
    And "subnet.host_routes[0].destination" in the response is "198.51.100.0/24"
    And "subnet.revision_number" in the response is greater than "{rev}"
    When I send GET "/v2.0/subnets?network_id={nid}" to the network service
    Then the response is 200 matching the schema "network/subnet-list"
    And "subnets" in the response has 1 item
    When I send DELETE "/v2.0/subnets/{sid}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/subnets/{sid}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "SubnetNotFound"

  @id:2209f87a-c75f-4f96-9356-647ab849e17b
  Scenario: An IPv6 subnet gets the subnet-router address as gateway and the whole /64 after it as its pool
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-v6", "network_id": "{nid}", "ip_version": 6, "cidr": "fd00:1234::/64"}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.ip_version" in the response is "6"
    And "subnet.cidr" in the response is "fd00:1234::/64"
    And "subnet.gateway_ip" in the response is "fd00:1234::"
    And "subnet.allocation_pools[0].start" in the response is "fd00:1234::1"
    And "subnet.allocation_pools[0].end" in the response is "fd00:1234::ffff:ffff:ffff:ffff"
    And "subnet.ipv6_ra_mode" in the response is null
    And "subnet.ipv6_address_mode" in the response is null
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 6, "cidr": "fd00:99::/64", "ipv6_ra_mode": "slaac", "ipv6_address_mode": "slaac"}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.ipv6_ra_mode" in the response is "slaac"
    And "subnet.ipv6_address_mode" in the response is "slaac"

  @id:d104ebb8-39c1-45c5-b0c5-5e75314a1c7b
  Scenario: A CIDR with host bits set is normalised to its network address
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.21.0.5/24"}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.cidr" in the response is "10.21.0.0/24"
    And "subnet.gateway_ip" in the response is "10.21.0.1"

  @id:64f457fa-d1d1-4ab0-acad-ce1a238ef60a
  Scenario: Invalid CIDRs and a CIDR of the wrong IP version are refused with 400 and create nothing
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-bad", "network_id": "{nid}", "ip_version": 4, "cidr": "10.20.300.0/24"}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "InvalidInput"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-bad", "network_id": "{nid}", "ip_version": 6, "cidr": "10.23.0.0/24"}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "InvalidInput"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-bad", "network_id": "{nid}", "ip_version": 4}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send GET "/v2.0/subnets?name={prefix}-bad" to the network service
    Then the response status is 200
    And "subnets" in the response has 0 items

  @id:35e6d4d8-8d9d-462d-9dce-f544863f9273
  Scenario: Two subnets on one network may not overlap
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.20.30.0/24"}}
      """
    Then the response status is 201
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.20.30.128/25"}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "InvalidInput"
    And "NeutronError.message" in the response matches "overlaps with another subnet"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then "network.subnets" in the response has 1 item

  @id:c60191a5-54d4-44ea-98d1-17dbfa7076b7
  Scenario: The gateway must be a usable address of the subnet and stay out of its allocation pools
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.43.0.0/24", "gateway_ip": "10.43.0.255"}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "InvalidInput"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.44.0.0/24", "gateway_ip": "10.44.0.0"}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "InvalidInput"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.42.0.0/24", "gateway_ip": "not-an-ip"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.41.0.0/24", "gateway_ip": "10.41.0.5", "allocation_pools": [{"start": "10.41.0.2", "end": "10.41.0.20"}]}}
      """
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "GatewayConflictWithAllocationPools"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.25.0.0/24", "allocation_pools": [{"start": "10.26.0.2", "end": "10.26.0.9"}]}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "OutOfBoundsAllocationPool"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then "network.subnets" in the response has 0 items

  @id:0bc81d54-ecdb-4cf9-b0c7-727fbd37a17c
  Scenario: A gateway outside the CIDR is accepted (as Neutron does since force_gateway_on_subnet went away) and the pool then starts at the first address
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.22.0.0/24", "gateway_ip": "10.99.0.1"}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.gateway_ip" in the response is "10.99.0.1"
    And "subnet.allocation_pools[0].start" in the response is "10.22.0.1"
    And "subnet.allocation_pools[0].end" in the response is "10.22.0.254"

  @id:3156aabf-b717-4e64-8d0a-baa6f09eaba1
  Scenario: A subnet without a gateway keeps the whole range for its pool
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.45.0.0/24", "gateway_ip": null}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.gateway_ip" in the response is null
    And "subnet.allocation_pools[0].start" in the response is "10.45.0.1"
    And "subnet.allocation_pools[0].end" in the response is "10.45.0.254"

  @id:ab636ce2-87de-4c0c-99e5-b7b4897c874f
  Scenario: A subnet on an unknown network is 404 NetworkNotFound
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "0b8d5c1e-7d0a-4c55-9d39-3f0d6f3e9a01", "ip_version": 4, "cidr": "10.24.0.0/24"}}
      """
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"

  @id:18ae0047-96a3-446a-b529-c0316dc7483c @requires:ext:subnet_allocation
  Scenario: A subnet made from a subnet pool gets the next free prefix of the length asked for, or the pool's default
    When I send POST "/v2.0/subnetpools" to the network service with:
      """
      {"subnetpool": {"name": "{prefix}-pool", "prefixes": ["10.128.0.0/16"], "default_prefixlen": 26, "min_prefixlen": 24, "max_prefixlen": 28}}
      """
    Then the response is 201 matching the schema "network/subnetpool"
    And "subnetpool.prefixes[0]" in the response is "10.128.0.0/16"
    And "subnetpool.default_prefixlen" in the response is "26"
    And "subnetpool.min_prefixlen" in the response is "24"
    And "subnetpool.max_prefixlen" in the response is "28"
    And "subnetpool.ip_version" in the response is "4"
    And I remember "subnetpool.id" from the response as "pool"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "subnetpool_id": "{pool}", "prefixlen": 27}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.subnetpool_id" in the response is "{pool}"
    And "subnet.cidr" in the response is "10.128.0.0/27"
    And I remember "subnet.cidr" from the response as "first"
    And "subnet.gateway_ip" in the response is an IP address inside "{first}"
    And "subnet.allocation_pools[0].start" in the response is an IP address inside "{first}"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "subnetpool_id": "{pool}"}}
      """
    Then the response is 201 matching the schema "network/subnet"
    And "subnet.cidr" in the response is "10.128.0.64/26"
    And "subnet.gateway_ip" in the response is "10.128.0.65"
    And "subnet.gateway_ip" in the response is not an IP address inside "{first}"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "subnetpool_id": "{pool}", "prefixlen": 8}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "MinPrefixSubnetAllocationError"
    When I send GET "/v2.0/subnetpools/{pool}" to the network service
    Then the response is 200 matching the schema "network/subnetpool"
