@network @requires:network
Feature: Networks
  A project's member creates, reads, lists, updates and deletes networks. Every answer carries
  the standard attributes (timestamps in UTC with Z, revision_number that grows with each
  change, tags); unknown ids answer 404 NetworkNotFound; only an admin makes shared or
  external networks.

  @id:60b8fc76-6da6-40d9-993a-8e722e5a8f78 @smoke
  Scenario: A member creates, shows, lists, updates and deletes a network
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-net", "description": "first"}}
      """
    Then the response is 201 matching the schema "network/network"
    And the response header "Content-Type" matches "^application/json$"
    And the response header "Location" is absent
    And "network.name" in the response is "{prefix}-net"
    And "network.description" in the response is "first"
    And "network.project_id" in the response is "{project_id}"
    And "network.tenant_id" in the response is "{project_id}"
    And "network.status" in the response is "ACTIVE"
    And "network.admin_state_up" in the response is true
    And "network.shared" in the response is false
    And "network.router:external" in the response is false
    And "network.subnets" in the response has 0 items
    And "network.tags" in the response has 0 items
    And I remember "network.id" from the response as "nid"
    And I remember "network.revision_number" from the response as "rev"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response is 200 matching the schema "network/network"
    And "network.id" in the response is "{nid}"
    And "network.revision_number" in the response is "{rev}"
    When I send GET "/v2.0/networks?name={prefix}-net" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And "networks" in the response has 1 item
    And "networks[0].id" in the response is "{nid}"
    When I send PUT "/v2.0/networks/{nid}" to the network service with:
      """
      {"network": {"name": "{prefix}-net2", "description": "second", "admin_state_up": false}}
      """
    Then the response is 200 matching the schema "network/network"
    And "network.name" in the response is "{prefix}-net2"
    And "network.description" in the response is "second"
    And "network.admin_state_up" in the response is false
    And "network.revision_number" in the response is greater than "{rev}"
    When I send DELETE "/v2.0/networks/{nid}" to the network service
    Then the response status is 204
    And the response has no body
    And the response header "Content-Type" is absent
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"

  @id:c9b323d7-900d-4e82-8dc6-5a41079978f1
  Scenario: Unknown network ids answer 404 NetworkNotFound to show, update and delete
    Given I am a member of my project
    When I send GET "/v2.0/networks/8c0ef4a4-1d5b-4a8e-9c39-0f5b5e1d2a77" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"
    And "NeutronError.message" in the response is "Network 8c0ef4a4-1d5b-4a8e-9c39-0f5b5e1d2a77 could not be found."
    And "NeutronError.detail" in the response is ""
    When I send PUT "/v2.0/networks/8c0ef4a4-1d5b-4a8e-9c39-0f5b5e1d2a77" to the network service with:
      """
      {"network": {"name": "{prefix}-ghost"}}
      """
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"
    When I send DELETE "/v2.0/networks/8c0ef4a4-1d5b-4a8e-9c39-0f5b5e1d2a77" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"

  @id:22c8407e-38fe-4d6a-9d15-86c72202bf59 @admin
  Scenario: An admin creates shared and external networks; a member may not
    Given I am the cloud admin
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-shared", "shared": true}}
      """
    Then the response is 201 matching the schema "network/network"
    And "network.shared" in the response is true
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-ext", "router:external": true}}
      """
    Then the response is 201 matching the schema "network/network"
    And "network.router:external" in the response is true
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-member-shared", "shared": true}}
      """
    Then the response is 403 matching the schema "network/error"
    And "NeutronError.type" in the response is "PolicyNotAuthorized"
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-member-ext", "router:external": true}}
      """
    Then the response is 403 matching the schema "network/error"
    And "NeutronError.type" in the response is "PolicyNotAuthorized"
    When I send GET "/v2.0/networks?name={prefix}-member-shared" to the network service
    Then the response status is 200
    And "networks" in the response has 0 items

  @id:4a0747e5-df5c-48a4-a813-01e5091b2d70 @admin
  Scenario: An admin creates a network for another project; a member may only create in its own
    Given I am the cloud admin
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-for-member", "project_id": "{project_id}"}}
      """
    Then the response is 201 matching the schema "network/network"
    And "network.project_id" in the response is "{project_id}"
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-for-other", "project_id": "{other_project_id}"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send GET "/v2.0/networks?name={prefix}-for-member" to the network service
    Then the response status is 200
    And "networks" in the response has 1 item

  @id:c58465ba-0fef-446c-995a-4619c7e9d511 @requires:ext:revision-if-match
  Scenario: An update conditional on a stale revision_number is refused with 412 and changes nothing
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-cas"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    And I remember "network.revision_number" from the response as "rev"
    When I send PUT "/v2.0/networks/{nid}" to the network service with the header "If-Match" set to "revision_number={rev}" and the body:
      """
      {"network": {"name": "{prefix}-cas2"}}
      """
    Then the response is 200 matching the schema "network/network"
    And "network.name" in the response is "{prefix}-cas2"
    When I send PUT "/v2.0/networks/{nid}" to the network service with the header "If-Match" set to "revision_number={rev}" and the body:
      """
      {"network": {"name": "{prefix}-cas3"}}
      """
    Then the response is 412 matching the schema "network/error"
    And "NeutronError.type" in the response is "RevisionNumberConstraintFailed"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then "network.name" in the response is "{prefix}-cas2"
