@network @requires:network
Feature: Network service discovery
  The unversioned root lists v2.0, /v2.0/ lists the core resources, and /v2.0/extensions lists
  what the cloud implements by real alias and name (python-openstackclient checks some by name).

  @id:fd86f7a0-9097-4001-9a82-d0804bf87972 @smoke
  Scenario: The unversioned root lists v2.0 as the current version
    When I send GET to the unversioned root of the network service without a token
    Then the response is 200 matching the schema "network/versions", with or without a request id
    And the list "versions" in the response contains an item with:
      """
      {"id": "v2.0", "status": "CURRENT"}
      """
    And "versions[0].links[0].rel" in the response is "self"
    And "versions[0].links[0].href" in the response matches "/v2\.0/$"

  @id:9ff250cb-627e-44ba-a3dd-47ff85ed2da1
  Scenario: /v2.0/ lists the core resources with their collections
    Given I am a member of my project
    When I send GET "/v2.0/" to the network service
    Then the response is 200 matching the schema "network/resources"
    And the list "resources" in the response contains an item with:
      """
      {"name": "network", "collection": "networks"}
      """
    And the list "resources" in the response contains an item with:
      """
      {"name": "subnet", "collection": "subnets"}
      """
    And the list "resources" in the response contains an item with:
      """
      {"name": "port", "collection": "ports"}
      """
    And the list "resources" in the response contains an item with:
      """
      {"name": "subnetpool", "collection": "subnetpools"}
      """

  @id:e267da28-e375-474f-aad7-4fd8d583d352 @smoke
  Scenario: The extension list names the extensions these features rely on, by their real aliases and names
    Given I am a member of my project
    When I send GET "/v2.0/extensions" to the network service
    Then the response is 200 matching the schema "network/extension-list"
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "router", "name": "Neutron L3 Router"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "external-net", "name": "Neutron external network"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "availability_zone", "name": "Availability Zone"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "security-group"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "quotas", "name": "Quota management support"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "quota_details"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "standard-attr-tag"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "standard-attr-revisions"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "standard-attr-timestamp"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "pagination"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "sorting"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "network-ip-availability", "name": "Network IP Availability"}
      """
    And the list "extensions" in the response contains an item with:
      """
      {"alias": "subnet_allocation", "name": "Subnet Allocation"}
      """

  @id:8a86a82a-df4b-46cc-be98-80fd5c5ab03d
  Scenario: One extension is shown by its alias; an unknown alias is 404
    Given I am a member of my project
    When I send GET "/v2.0/extensions/router" to the network service
    Then the response is 200 matching the schema "network/extension"
    And "extension.alias" in the response is "router"
    And "extension.name" in the response is "Neutron L3 Router"
    When I send GET "/v2.0/extensions/no-such-extension" to the network service
    Then the response status is 404

  @id:ed5d7898-2316-410e-8b33-0cf47ebfda53
  Scenario: A request without a token is refused with 401 and where to authenticate
    When I send GET "/v2.0/networks" to the network service without a token
    Then the response status is 401
    And the response header "WWW-Authenticate" matches "^Keystone uri="

  @id:cf583a3b-84a8-4701-b783-36c03ccc67b4
  Scenario: Answers carry a JSON Content-Type and a request id; an unknown collection is 404 and a wrong method 405
    Given I am a member of my project
    When I send GET "/v2.0/networks" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And the response header "Content-Type" matches "^application/json"
    And the response header "X-Openstack-Request-Id" matches "^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    When I send GET "/v2.0/widgets" to the network service
    Then the response is 404 matching the schema "network/error"
    When I send PATCH "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-patched"}}
      """
    Then the response is 405 matching the schema "network/error"
