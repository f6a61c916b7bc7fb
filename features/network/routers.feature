@network @requires:network @requires:ext:router @requires:ext:external-net @admin
Feature: Routers and floating IPs
  A member's router takes a gateway on an external network (made here by the admin) and
  interfaces on the project's subnets; a router with interfaces cannot be deleted. Floating IPs
  come from the external network and are associated with a port behind the router.

  Background:
    Given I am the cloud admin
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-public", "router:external": true}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "ext"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-public-v4", "network_id": "{ext}", "ip_version": 4, "cidr": "203.0.113.0/24", "enable_dhcp": false}}
      """
    Then the response status is 201
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-inner"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "inner"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-inner-v4", "network_id": "{inner}", "ip_version": 4, "cidr": "10.60.0.0/24", "enable_dhcp": false}}
      """
    Then the response status is 201
    And I remember "subnet.id" from the response as "isub"

  @id:673e96c4-33b2-4fa7-8ad7-8be27d3fdfed @smoke
  Scenario: A router with an external gateway gets an interface on a subnet and cannot be deleted while it has one
    When I send POST "/v2.0/routers" to the network service with:
      """
      {"router": {"name": "{prefix}-router", "external_gateway_info": {"network_id": "{ext}"}}}
      """
    Then the response is 201 matching the schema "network/router"
    And "router.name" in the response is "{prefix}-router"
    And "router.project_id" in the response is "{project_id}"
    And "router.admin_state_up" in the response is true
    And "router.external_gateway_info.network_id" in the response is "{ext}"
    And "router.external_gateway_info.external_fixed_ips[0].ip_address" in the response is an IP address inside "203.0.113.0/24"
    And "router.routes" in the response has 0 items
    And I remember "router.id" from the response as "rid"
    When I send PUT "/v2.0/routers/{rid}/add_router_interface" to the network service with:
      """
      {"subnet_id": "{isub}"}
      """
    Then the response is 200 matching the schema "network/router-interface"
    And "id" in the response is "{rid}"
    And "subnet_id" in the response is "{isub}"
    And "network_id" in the response is "{inner}"
    And I remember "port_id" from the response as "ifport"
    When I send GET "/v2.0/ports/{ifport}" to the network service
    Then the response is 200 matching the schema "network/port"
    And "port.device_owner" in the response is "network:router_interface"
    And "port.device_id" in the response is "{rid}"
    And "port.fixed_ips[0].ip_address" in the response is "10.60.0.1"
    And "port.security_groups" in the response has 0 items
    When I send PUT "/v2.0/routers/{rid}/add_router_interface" to the network service with:
      """
      {"subnet_id": "{isub}"}
      """
    Then the response is 400 matching the schema "network/error"
    When I send DELETE "/v2.0/routers/{rid}" to the network service
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "RouterInUse"
    When I send DELETE "/v2.0/subnets/{isub}" to the network service
    Then the response is 409 matching the schema "network/error"
    When I send PUT "/v2.0/routers/{rid}/remove_router_interface" to the network service with:
      """
      {"subnet_id": "{isub}"}
      """
    Then the response is 200 matching the schema "network/router-interface"
    And "port_id" in the response is "{ifport}"
    When I send GET "/v2.0/ports/{ifport}" to the network service
    Then the response is 404 matching the schema "network/error"
    When I send PUT "/v2.0/routers/{rid}/remove_router_interface" to the network service with:
      """
      {"subnet_id": "{isub}"}
      """
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "RouterInterfaceNotFoundForSubnet"
    When I send PUT "/v2.0/routers/{rid}" to the network service with:
      """
      {"router": {"external_gateway_info": {}}}
      """
    Then the response is 200 matching the schema "network/router"
    And "router.external_gateway_info" in the response is null
    When I send DELETE "/v2.0/routers/{rid}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/routers/{rid}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "RouterNotFound"

  @id:b334cf18-0b35-4d88-9308-c3fbc7e3a0e5
  Scenario: A router with an interface left on it is cleaned up after the scenario
    When I send POST "/v2.0/routers" to the network service with:
      """
      {"router": {"name": "{prefix}-left", "external_gateway_info": {"network_id": "{ext}"}}}
      """
    Then the response status is 201
    And I remember "router.id" from the response as "rid"
    When I send PUT "/v2.0/routers/{rid}/add_router_interface" to the network service with:
      """
      {"subnet_id": "{isub}"}
      """
    Then the response status is 200
    When I send GET "/v2.0/routers?name={prefix}-left" to the network service
    Then the response is 200 matching the schema "network/router-list"
    And "routers" in the response has 1 item

  @id:df694cb4-d4d8-4cf4-878c-f76071e06137
  Scenario: A floating IP from the external network is associated with a port behind the router, disassociated and released
    When I send POST "/v2.0/routers" to the network service with:
      """
      {"router": {"name": "{prefix}-fip-router", "external_gateway_info": {"network_id": "{ext}"}}}
      """
    Then the response status is 201
    And I remember "router.id" from the response as "rid"
    When I send PUT "/v2.0/routers/{rid}/add_router_interface" to the network service with:
      """
      {"subnet_id": "{isub}"}
      """
    Then the response status is 200
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-vm", "network_id": "{inner}"}}
      """
    Then the response status is 201
    And I remember "port.id" from the response as "vm"
    And I remember "port.fixed_ips[0].ip_address" from the response as "vmip"
    When I send POST "/v2.0/floatingips" to the network service with:
      """
      {"floatingip": {"floating_network_id": "{ext}", "description": "{prefix}-fip"}}
      """
    Then the response is 201 matching the schema "network/floatingip"
    And "floatingip.floating_network_id" in the response is "{ext}"
    And "floatingip.floating_ip_address" in the response is an IP address inside "203.0.113.0/24"
    And "floatingip.project_id" in the response is "{project_id}"
    And "floatingip.port_id" in the response is null
    And "floatingip.router_id" in the response is null
    And "floatingip.fixed_ip_address" in the response is null
    And I remember "floatingip.id" from the response as "fip"
    When I send PUT "/v2.0/floatingips/{fip}" to the network service with:
      """
      {"floatingip": {"port_id": "{vm}"}}
      """
    Then the response is 200 matching the schema "network/floatingip"
    And "floatingip.port_id" in the response is "{vm}"
    And "floatingip.router_id" in the response is "{rid}"
    And "floatingip.fixed_ip_address" in the response is "{vmip}"
    When I send GET "/v2.0/floatingips?port_id={vm}" to the network service
    Then the response is 200 matching the schema "network/floatingip-list"
    And "floatingips" in the response has 1 item
    And "floatingips[0].id" in the response is "{fip}"
    When I send PUT "/v2.0/floatingips/{fip}" to the network service with:
      """
      {"floatingip": {"port_id": null}}
      """
    Then the response is 200 matching the schema "network/floatingip"
    And "floatingip.port_id" in the response is null
    And "floatingip.router_id" in the response is null
    And "floatingip.fixed_ip_address" in the response is null
    When I send DELETE "/v2.0/floatingips/{fip}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/floatingips/{fip}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "FloatingIPNotFound"

  @id:2fb9b1e9-edcf-4dd7-91fc-f4a2dea24ac6
  Scenario: A floating IP left associated is cleaned up after the scenario, before its port and router
    When I send POST "/v2.0/routers" to the network service with:
      """
      {"router": {"name": "{prefix}-fip-left", "external_gateway_info": {"network_id": "{ext}"}}}
      """
    Then the response status is 201
    And I remember "router.id" from the response as "rid"
    When I send PUT "/v2.0/routers/{rid}/add_router_interface" to the network service with:
      """
      {"subnet_id": "{isub}"}
      """
    Then the response status is 200
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-vm-left", "network_id": "{inner}"}}
      """
    Then the response status is 201
    And I remember "port.id" from the response as "vm"
    When I send POST "/v2.0/floatingips" to the network service with:
      """
      {"floatingip": {"floating_network_id": "{ext}", "port_id": "{vm}"}}
      """
    Then the response is 201 matching the schema "network/floatingip"
    And "floatingip.router_id" in the response is "{rid}"

  @id:11aa5566-bbd4-41f4-b53a-4a31fca46793
  Scenario: A floating IP cannot come from a network that is not external, nor from an unknown one
    When I send POST "/v2.0/floatingips" to the network service with:
      """
      {"floatingip": {"floating_network_id": "{inner}"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send POST "/v2.0/floatingips" to the network service with:
      """
      {"floatingip": {"floating_network_id": "3f6b1d2c-8e4a-4f7b-9c0d-1a2b3c4d5e6f"}}
      """
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"
    When I send GET "/v2.0/floatingips?floating_network_id={inner}" to the network service
    Then the response status is 200
    And "floatingips" in the response has 0 items

  @id:3843e42d-3284-4dc0-b6f3-bf5f3c13762a
  Scenario: Unknown routers and floating IPs answer 404 with their NeutronError type
    When I send GET "/v2.0/routers/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "RouterNotFound"
    When I send GET "/v2.0/floatingips/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "FloatingIPNotFound"

  @id:e5c99dd4-5c2b-48d0-87ac-cef9f665ab52 @requires:ext:extraroute
  Scenario: An interface is added by port; extra routes need a next hop on a connected subnet; removing the interface deletes its port
    When I send POST "/v2.0/routers" to the network service with:
      """
      {"router": {"name": "{prefix}-routes"}}
      """
    Then the response is 201 matching the schema "network/router"
    And "router.external_gateway_info" in the response is null
    And I remember "router.id" from the response as "rid"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-ifport", "network_id": "{inner}", "fixed_ips": [{"subnet_id": "{isub}", "ip_address": "10.60.0.1"}]}}
      """
    Then the response status is 201
    And I remember "port.id" from the response as "ifport"
    When I send PUT "/v2.0/routers/{rid}/add_router_interface" to the network service with:
      """
      {"port_id": "{ifport}"}
      """
    Then the response is 200 matching the schema "network/router-interface"
    And "port_id" in the response is "{ifport}"
    And "subnet_id" in the response is "{isub}"
    When I send PUT "/v2.0/routers/{rid}" to the network service with:
      """
      {"router": {"routes": [{"destination": "198.51.100.0/24", "nexthop": "10.99.0.7"}]}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "InvalidRoutes"
    When I send PUT "/v2.0/routers/{rid}" to the network service with:
      """
      {"router": {"routes": [{"destination": "198.51.100.0/24", "nexthop": "10.60.0.7"}]}}
      """
    Then the response is 200 matching the schema "network/router"
    And "router.routes" in the response has 1 item
    And "router.routes[0].destination" in the response is "198.51.100.0/24"
    And "router.routes[0].nexthop" in the response is "10.60.0.7"
    When I send PUT "/v2.0/routers/{rid}" to the network service with:
      """
      {"router": {"routes": []}}
      """
    Then the response is 200 matching the schema "network/router"
    And "router.routes" in the response has 0 items
    When I send PUT "/v2.0/routers/{rid}/remove_router_interface" to the network service with:
      """
      {"port_id": "{ifport}"}
      """
    Then the response is 200 matching the schema "network/router-interface"
    When I send GET "/v2.0/ports/{ifport}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "PortNotFound"
