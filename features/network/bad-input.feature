@network @requires:network
Feature: Bad input to the network service
  Malformed or ill-typed requests get a 400 NeutronError and change nothing; ids that do not
  exist get a 404 whose type names the resource.

  Background:
    Given I am a member of my project

  @id:ac523274-589f-42df-98f1-40c0289eaead @smoke
  Scenario: A body that is not JSON, or not an object, is 400
    When I send POST "/v2.0/networks" to the network service with the raw body "{\"network\": {\"name\": " as "application/json"
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "HTTPBadRequest"
    And "NeutronError.message" in the response is "Body contains invalid data"
    When I send POST "/v2.0/networks" to the network service with the raw body "[1, 2]" as "application/json"
    Then the response is 400 matching the schema "network/error"

  @id:6e88bdb7-d662-4d1e-ae67-965144088e83
  Scenario: A body without the resource's wrapper is 400
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"name": "{prefix}-nowrap"}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.message" in the response is "Unable to find 'network' in request body"

  @id:738a6ae4-73e3-493b-aafb-90033ded429f
  Scenario Outline: An attribute of the wrong type or value is 400 and nothing is created
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-<case>", <attribute>}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send GET "/v2.0/networks?name={prefix}-<case>" to the network service
    Then the response status is 200
    And "networks" in the response has 0 items

    Examples:
      | case        | attribute                  |
      | state-maybe | "admin_state_up": "maybe"  |
      | state-int   | "admin_state_up": 42       |
      | state-list  | "admin_state_up": [true]   |
      | colour      | "colour": "red"            |
      | desc-int    | "description": 7           |
      | mtu-text    | "mtu": "big"               |

  @id:7e504a7f-f5a8-442f-b949-e4098730c1fb
  Scenario: A name that is not a string, or is longer than 255 characters, is 400
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": 5}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.message" in the response matches "255"

  @id:41ae0983-744b-4344-80e2-8e709871e7fe
  Scenario: Hostile but valid names are stored and returned exactly
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-<script>alert(1)</script> ' \" ; DROP TABLE networks; -- ✓"}}
      """
    Then the response is 201 matching the schema "network/network"
    And "network.name" in the response is "{prefix}-<script>alert(1)</script> ' \" ; DROP TABLE networks; -- ✓"
    And I remember "network.id" from the response as "nid"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then "network.name" in the response is "{prefix}-<script>alert(1)</script> ' \" ; DROP TABLE networks; -- ✓"

  @id:d12edbab-1ce1-4afd-b423-a270c5526b69
  Scenario: A read-only attribute cannot be updated
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-ro"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    When I send PUT "/v2.0/networks/{nid}" to the network service with:
      """
      {"network": {"id": "3c2b1a09-8f7e-4d6c-b5a4-938271605f4e"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send PUT "/v2.0/networks/{nid}" to the network service with:
      """
      {"network": {"status": "DOWN"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then "network.status" in the response is "ACTIVE"

  @id:192d3fe8-9165-45ef-aa05-edad0ef21dfd
  Scenario: An id that is not a UUID finds nothing: 404 in a path, an empty list in a filter
    When I send GET "/v2.0/networks/not-a-uuid" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"
    When I send GET "/v2.0/networks?id=not-a-uuid" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And "networks" in the response has 0 items

  @id:8c0763c4-b32a-4921-a2ad-a5c0a317f2c6
  Scenario: A reference to a malformed id in a body is 400
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"network_id": "not-a-uuid", "ip_version": 4, "cidr": "10.80.0.0/24"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"network_id": "not-a-uuid"}}
      """
    Then the response is 400 matching the schema "network/error"

  @id:266c4266-77eb-496a-bf50-40c525cb3fea
  Scenario Outline: Unknown <kind> ids are 404 <type>
    When I send GET "/v2.0/<collection>/2d9c8b7a-6f5e-4d3c-8b1a-0f9e8d7c6b5a" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "<type>"

    Examples:
      | kind               | collection           | type                      |
      | network            | networks             | NetworkNotFound           |
      | subnet             | subnets              | SubnetNotFound            |
      | port               | ports                | PortNotFound              |
      | subnet pool        | subnetpools          | SubnetPoolNotFound        |
      | security group     | security-groups      | SecurityGroupNotFound     |
      | security-group rule | security-group-rules | SecurityGroupRuleNotFound |

  @id:142e2dea-3015-472f-9710-801c4e2279c2
  Scenario: An empty body and a description over 255 characters are 400; an empty update changes nothing
    When I send POST "/v2.0/networks" to the network service with the raw body "" as "application/json"
    Then the response is 400 matching the schema "network/error"
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-long-description", "description": "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}}
      """
    Then the response is 400 matching the schema "network/error"
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-same"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    When I send PUT "/v2.0/networks/{nid}" to the network service with:
      """
      {"network": {}}
      """
    Then the response is 200 matching the schema "network/network"
    And "network.name" in the response is "{prefix}-same"
    When I send GET "/v2.0/networks/{nid}?fields=name&fields=status" to the network service
    Then the response status is 200
    And "network.name" in the response is "{prefix}-same"
    And "network.status" in the response is "ACTIVE"
    And "network.id" in the response is absent
