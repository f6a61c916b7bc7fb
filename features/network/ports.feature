@network @requires:network
Feature: Ports and IP allocation
  A port gets a fixed IP from its subnet's allocation pool, or the one asked for; an address or a
  MAC address in use is refused with 409; a subnet that runs out of addresses answers 409
  IpAddressGenerationFailure; a network or subnet with ports cannot be deleted.

  Background:
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-ports"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-ports-v4", "network_id": "{nid}", "ip_version": 4, "cidr": "10.50.0.0/24", "enable_dhcp": false, "allocation_pools": [{"start": "10.50.0.10", "end": "10.50.0.20"}]}}
      """
    Then the response status is 201
    And I remember "subnet.id" from the response as "sid"

  @id:026ae3db-53c6-4452-b201-7d49a617df6d @smoke
  Scenario: A port gets a fixed IP from the allocation pool and a MAC address
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-port", "network_id": "{nid}"}}
      """
    Then the response is 201 matching the schema "network/port"
    And "port.name" in the response is "{prefix}-port"
    And "port.network_id" in the response is "{nid}"
    And "port.project_id" in the response is "{project_id}"
    And "port.admin_state_up" in the response is true
    And "port.status" in the response is "DOWN"
    And "port.device_owner" in the response is ""
    And "port.device_id" in the response is ""
    And "port.fixed_ips" in the response has 1 item
    And "port.fixed_ips[0].subnet_id" in the response is "{sid}"
    And "port.fixed_ips[0].ip_address" in the response is an IP address from "10.50.0.10" to "10.50.0.20"
    And "port.security_groups" in the response has 1 item
    And I remember "port.id" from the response as "pid"
    And I remember "port.revision_number" from the response as "rev"
    When I send PUT "/v2.0/ports/{pid}" to the network service with:
      """
      {"port": {"name": "{prefix}-port2", "device_owner": "compute:nova", "device_id": "5d0f4b9c-2d7e-4c59-8f5a-0a6c3f1e2b44"}}
      """
    Then the response is 200 matching the schema "network/port"
    And "port.device_owner" in the response is "compute:nova"
    And "port.device_id" in the response is "5d0f4b9c-2d7e-4c59-8f5a-0a6c3f1e2b44"
    And "port.revision_number" in the response is greater than "{rev}"
    When I send GET "/v2.0/ports?network_id={nid}" to the network service
    Then the response is 200 matching the schema "network/port-list"
    And "ports" in the response has 1 item
    When I send DELETE "/v2.0/ports/{pid}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/ports/{pid}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "PortNotFound"

  @id:6a63ceb7-237f-4535-973a-13d2fbeaf8a1
  Scenario: A port gets the IP it asks for; the same IP again is 409 and one outside the subnet 400
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-fixed", "network_id": "{nid}", "fixed_ips": [{"subnet_id": "{sid}", "ip_address": "10.50.0.50"}]}}
      """
    Then the response is 201 matching the schema "network/port"
    And "port.fixed_ips[0].ip_address" in the response is "10.50.0.50"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-dup", "network_id": "{nid}", "fixed_ips": [{"subnet_id": "{sid}", "ip_address": "10.50.0.50"}]}}
      """
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "IpAddressAlreadyAllocated"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-dup", "network_id": "{nid}", "fixed_ips": [{"subnet_id": "{sid}", "ip_address": "10.99.0.50"}]}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "InvalidIpForSubnet"
    When I send GET "/v2.0/ports?name={prefix}-dup" to the network service
    Then the response status is 200
    And "ports" in the response has 0 items

  @id:e766fdb5-fc55-4a7e-9ce6-e0dd86da5cbd
  Scenario: MAC addresses: a chosen one is kept, a malformed one is 400, one in use on the network is 409
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-mac", "network_id": "{nid}", "mac_address": "fa:16:3e:12:34:56"}}
      """
    Then the response is 201 matching the schema "network/port"
    And "port.mac_address" in the response is "fa:16:3e:12:34:56"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"network_id": "{nid}", "mac_address": "zz:zz"}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.message" in the response matches "mac_address"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"network_id": "{nid}", "mac_address": "fa:16:3e:12:34:56"}}
      """
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "MacAddressInUse"

  @id:0d3418c0-060a-4275-b20f-6a4d61366981
  Scenario: A subnet whose pool is used up answers 409 IpAddressGenerationFailure
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-tiny"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "tiny"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{tiny}", "ip_version": 4, "cidr": "10.40.0.0/29", "enable_dhcp": false, "allocation_pools": [{"start": "10.40.0.2", "end": "10.40.0.3"}]}}
      """
    Then the response is 201 matching the schema "network/subnet"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-tiny-1", "network_id": "{tiny}"}}
      """
    Then the response status is 201
    And "port.fixed_ips[0].ip_address" in the response is an IP address from "10.40.0.2" to "10.40.0.3"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-tiny-2", "network_id": "{tiny}"}}
      """
    Then the response status is 201
    And "port.fixed_ips[0].ip_address" in the response is an IP address from "10.40.0.2" to "10.40.0.3"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-tiny-3", "network_id": "{tiny}"}}
      """
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "IpAddressGenerationFailure"
    When I send GET "/v2.0/ports?network_id={tiny}" to the network service
    Then "ports" in the response has 2 items

  @id:a511089c-0c64-41cb-9d03-555ad0c19d55
  Scenario: A network or subnet with ports cannot be deleted (409 NetworkInUse, SubnetInUse) until the ports go
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-busy", "network_id": "{nid}"}}
      """
    Then the response status is 201
    And I remember "port.id" from the response as "pid"
    When I send DELETE "/v2.0/networks/{nid}" to the network service
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkInUse"
    When I send DELETE "/v2.0/subnets/{sid}" to the network service
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "SubnetInUse"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response status is 200
    When I send DELETE "/v2.0/ports/{pid}" to the network service
    Then the response status is 204
    When I send DELETE "/v2.0/networks/{nid}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/subnets/{sid}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "SubnetNotFound"

  @id:7e151896-93d7-4a05-8e21-3a724c3f69a3
  Scenario: A port on a dual-stack network gets an address from each subnet, and the project's default security group
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 6, "cidr": "fd00:50::/64", "enable_dhcp": false}}
      """
    Then the response status is 201
    And I remember "subnet.id" from the response as "sid6"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-dual", "network_id": "{nid}"}}
      """
    Then the response is 201 matching the schema "network/port"
    And "port.fixed_ips" in the response has 2 items
    And the list "port.fixed_ips" in the response contains an item whose "subnet_id" is "{sid}"
    And the list "port.fixed_ips" in the response contains an item whose "subnet_id" is "{sid6}"
    And I remember "port.id" from the response as "pid"
    And I remember "port.security_groups[0]" from the response as "portsg"
    When I send GET "/v2.0/security-groups?name=default" to the network service
    Then "security_groups[0].id" in the response is "{portsg}"
    When I send GET "/v2.0/ports/{pid}" to the network service
    Then the response status is 200
    And I remember "port.fixed_ips[0].ip_address" from the response as "ip"
    When I send GET "/v2.0/ports?fixed_ips=ip_address%3D{ip}&network_id={nid}" to the network service
    Then the response is 200 matching the schema "network/port-list"
    And "ports" in the response has 1 item
    And "ports[0].id" in the response is "{pid}"

  @id:cb99fd30-2174-4072-8170-d742bc3a04cb
  Scenario: An address is free again once its port is deleted, and a port can move to another address
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-first", "network_id": "{nid}", "fixed_ips": [{"subnet_id": "{sid}", "ip_address": "10.50.0.60"}]}}
      """
    Then the response status is 201
    And I remember "port.id" from the response as "first"
    When I send DELETE "/v2.0/ports/{first}" to the network service
    Then the response status is 204
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-second", "network_id": "{nid}", "fixed_ips": [{"subnet_id": "{sid}", "ip_address": "10.50.0.60"}]}}
      """
    Then the response is 201 matching the schema "network/port"
    And "port.fixed_ips[0].ip_address" in the response is "10.50.0.60"
    And I remember "port.id" from the response as "second"
    When I send PUT "/v2.0/ports/{second}" to the network service with:
      """
      {"port": {"fixed_ips": [{"subnet_id": "{sid}", "ip_address": "10.50.0.61"}]}}
      """
    Then the response is 200 matching the schema "network/port"
    And "port.fixed_ips" in the response has 1 item
    And "port.fixed_ips[0].ip_address" in the response is "10.50.0.61"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-third", "network_id": "{nid}", "fixed_ips": [{"subnet_id": "{sid}", "ip_address": "10.50.0.60"}]}}
      """
    Then the response status is 201
