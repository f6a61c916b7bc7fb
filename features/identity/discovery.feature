@identity
Feature: Identity version discovery
  Keystone publishes its versions at the root (300 Multiple Choices, versions.values) and at
  /v3 (200, one version). Clients such as keystoneauth and gophercloud follow the self link.

  @id:5b0c1d7e-8f3a-4c51-9a0e-2d6f1b7c4e01 @smoke
  Scenario: The identity root lists the v3 API with a self link
    When I send GET to the unversioned root of the identity service without a token
    Then the response is 300 matching the schema "identity/versions"
    And the response header "Location" matches "/v3/?$"
    And "versions.values[0].id" in the response matches "^v3\.\d+$"
    And "versions.values[0].links[0].href" in the response matches "^https?://.*/v3/?$"

  @id:a8d9c3f2-7b61-4e0a-b5c4-0f1e2d3c4b02 @smoke
  Scenario: The v3 document describes one stable version
    When I send GET "/v3" to the identity service without a token
    Then the response is 200 matching the schema "identity/version"
    And "version.status" in the response is "stable"
    And "version.media-types[0].type" in the response is "application/vnd.openstack.identity-v3+json"
