@network @requires:network @requires:ext:quotas @admin
Feature: Network quotas
  An admin reads the default quotas and sets and resets a project's; a project over its quota
  gets 409 OverQuota; /details shows what is used against each limit. Members read their own
  project's quota only and cannot change it.

  @id:5d6b9f9e-1e21-45db-802f-53d526921969 @smoke
  Scenario: A project that was never given a quota has the defaults
    Given I am the cloud admin
    When I send GET "/v2.0/quotas/{project_id}/default" to the network service
    Then the response is 200 matching the schema "network/quota"
    And I remember "quota.network" from the response as "dnet"
    And I remember "quota.port" from the response as "dport"
    And I remember "quota.security_group" from the response as "dsg"
    When I send GET "/v2.0/quotas/{project_id}" to the network service
    Then the response is 200 matching the schema "network/quota"
    And "quota.network" in the response is "{dnet}"
    And "quota.port" in the response is "{dport}"
    And "quota.security_group" in the response is "{dsg}"

  @id:8b4dec0e-c1a1-48ae-9998-bc6e86056e2c
  Scenario: A project over its network quota gets 409 OverQuota; details show used and limit; a reset restores the default
    Given I am the cloud admin
    When I send GET "/v2.0/quotas/{project_id}/default" to the network service
    Then the response status is 200
    And I remember "quota.network" from the response as "dnet"
    When I send PUT "/v2.0/quotas/{project_id}" to the network service with:
      """
      {"quota": {"network": 1}}
      """
    Then the response is 200 matching the schema "network/quota"
    And "quota.network" in the response is "1"
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-q1"}}
      """
    Then the response status is 201
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-q2"}}
      """
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "OverQuota"
    And "NeutronError.message" in the response is "Quota exceeded for resources: ['network']."
    When I send GET "/v2.0/quotas/{project_id}/details" to the network service
    Then the response is 200 matching the schema "network/quota-details"
    And "quota.network.limit" in the response is "1"
    And "quota.network.used" in the response is "1"
    And "quota.network.reserved" in the response is "0"
    When I send GET "/v2.0/networks?name={prefix}-q2" to the network service
    Then "networks" in the response has 0 items
    Given I am the cloud admin
    When I send DELETE "/v2.0/quotas/{project_id}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/quotas/{project_id}" to the network service
    Then the response is 200 matching the schema "network/quota"
    And "quota.network" in the response is "{dnet}"

  @id:ade0492e-e6dc-4835-b813-8a8a4f17f2b0
  Scenario: Members read their own project's quota but cannot change it nor read another project's
    Given I am a member of my project
    When I send GET "/v2.0/quotas/{project_id}" to the network service
    Then the response is 200 matching the schema "network/quota"
    When I send PUT "/v2.0/quotas/{project_id}" to the network service with:
      """
      {"quota": {"network": 1000}}
      """
    Then the response is 403 matching the schema "network/error"
    And "NeutronError.type" in the response is "PolicyNotAuthorized"
    When I send GET "/v2.0/quotas/{other_project_id}" to the network service
    Then the response is 403 matching the schema "network/error"

  @id:27f0181f-23b5-423a-a08f-56926dd23e3a
  Scenario: A quota must be an integer of a known resource
    Given I am the cloud admin
    When I send PUT "/v2.0/quotas/{project_id}" to the network service with:
      """
      {"quota": {"network": "lots"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send PUT "/v2.0/quotas/{project_id}" to the network service with:
      """
      {"quota": {"widgets": 3}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.message" in the response matches "widgets"
