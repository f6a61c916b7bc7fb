@network @requires:network
Feature: Project isolation and sharing
  A project's networks are invisible to another project (404, never 403, so their existence does
  not leak); a shared network is visible to all but only its owner changes it.

  @id:5bbe0f2a-dcb4-4c36-99b2-45891060f0a4 @smoke
  Scenario: Another project cannot see, change or delete my network
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-mine"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    Given I am a member of the other project
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"
    When I send PUT "/v2.0/networks/{nid}" to the network service with:
      """
      {"network": {"name": "{prefix}-stolen"}}
      """
    Then the response is 404 matching the schema "network/error"
    When I send DELETE "/v2.0/networks/{nid}" to the network service
    Then the response is 404 matching the schema "network/error"
    When I send GET "/v2.0/networks?name={prefix}-mine" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And "networks" in the response has 0 items
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-intruder", "network_id": "{nid}"}}
      """
    Then the response is 404 matching the schema "network/error"
    Given I am a member of my project
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response status is 200
    And "network.name" in the response is "{prefix}-mine"

  @id:b2128464-c30d-4122-a3a1-00f0ec4cbc9a @admin
  Scenario: A shared network is visible to every project, but only its owner changes or deletes it
    Given I am the cloud admin
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-everyone", "shared": true}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    Given I am a member of the other project
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response is 200 matching the schema "network/network"
    And "network.shared" in the response is true
    When I send GET "/v2.0/networks?shared=true&name={prefix}-everyone" to the network service
    Then the response status is 200
    And "networks" in the response has 1 item
    When I send PUT "/v2.0/networks/{nid}" to the network service with:
      """
      {"network": {"name": "{prefix}-hijacked"}}
      """
    Then the response is 403 matching the schema "network/error"
    And "NeutronError.type" in the response is "PolicyNotAuthorized"
    When I send DELETE "/v2.0/networks/{nid}" to the network service
    Then the response is 403 matching the schema "network/error"
    Given I am the cloud admin
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.85.0.0/24", "enable_dhcp": false}}
      """
    Then the response status is 201
    Given I am a member of the other project
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-guest", "network_id": "{nid}"}}
      """
    Then the response is 201 matching the schema "network/port"
    And "port.project_id" in the response is "{other_project_id}"
    And "port.fixed_ips[0].ip_address" in the response is an IP address inside "10.85.0.0/24"
    Given I am a member of my project
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response status is 200
    And "network.name" in the response is "{prefix}-everyone"
    When I send GET "/v2.0/ports?network_id={nid}" to the network service
    Then the response status is 200
    And "ports" in the response has 0 items

  @id:fa68933b-85ec-4128-af07-c46a57641041
  Scenario: A reader of the project sees its networks
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-readable"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    Given I am a reader of my project
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response is 200 matching the schema "network/network"
    When I send GET "/v2.0/networks?name={prefix}-readable" to the network service
    Then "networks" in the response has 1 item

  @id:7248947b-d603-43d9-8cf9-46ab4c776c7e @new-policy-defaults
  Scenario: A reader cannot create, change or delete (Neutron's secure RBAC defaults, enforce_new_defaults)
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-reader-target"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    Given I am a reader of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-by-reader"}}
      """
    Then the response is 403 matching the schema "network/error"
    And "NeutronError.type" in the response is "PolicyNotAuthorized"
    When I send PUT "/v2.0/networks/{nid}" to the network service with:
      """
      {"network": {"name": "{prefix}-renamed-by-reader"}}
      """
    Then the response is 403 matching the schema "network/error"
    When I send DELETE "/v2.0/networks/{nid}" to the network service
    Then the response is 403 matching the schema "network/error"
    When I send GET "/v2.0/networks?name={prefix}-by-reader" to the network service
    Then "networks" in the response has 0 items

  @id:b6b4f5a6-a13a-467f-94ec-7eb9057234ed
  Scenario: Another project cannot see my security groups nor add rules to them, nor add subnets to my network
    Given I am a member of my project
    When I send POST "/v2.0/security-groups" to the network service with:
      """
      {"security_group": {"name": "{prefix}-private-sg"}}
      """
    Then the response status is 201
    And I remember "security_group.id" from the response as "sg"
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-private-net"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    Given I am a member of the other project
    When I send GET "/v2.0/security-groups/{sg}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "SecurityGroupNotFound"
    When I send POST "/v2.0/security-group-rules" to the network service with:
      """
      {"security_group_rule": {"security_group_id": "{sg}", "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}}
      """
    Then the response is 404 matching the schema "network/error"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "{nid}", "ip_version": 4, "cidr": "10.86.0.0/24"}}
      """
    Then the response is 404 matching the schema "network/error"
    When I send GET "/v2.0/security-groups?name={prefix}-private-sg" to the network service
    Then "security_groups" in the response has 0 items
    Given I am a member of my project
    When I send GET "/v2.0/security-groups/{sg}" to the network service
    Then "security_group.security_group_rules" in the response has 2 items
