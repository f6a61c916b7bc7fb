@image @requires:image
Feature: Image version discovery
  Glance publishes its versions at the root (300 Multiple Choices) and at /versions (200), as a
  plain {"versions": [...]} list whose every entry points at <root>/v2/, one of them CURRENT.
  Its version documents and its 401s carry no X-Openstack-Request-Id.

  @id:b89f3fec-53fc-4ff3-9e77-5f548554b2e8 @smoke
  Scenario: The image root lists the v2 versions, all pointing at /v2/
    When I send GET to the unversioned root of the image service without a token
    Then the response is 300 matching the schema "image/versions", with or without a request id
    And "versions[0].status" in the response is "CURRENT"
    And "versions[0].id" in the response matches "^v2\.\d+$"
    And "versions[0].links[0].href" in the response matches "^https?://.*/v2/$"

  @id:1f14401d-b52d-42be-a53d-724df4eb6ba6
  Scenario: /versions answers 200 with the same list
    When I send GET "/versions" to the image service without a token
    Then the response is 200 matching the schema "image/versions", with or without a request id
    And the list "versions" in the response contains an item whose "id" is "v2.0"

  @id:83ebbf41-e985-426b-ba5b-7d5c7de6e5b2 @smoke @requires:image>=2.6
  Scenario: The import methods include glance-direct
    When I send GET "/v2/info/import" to the image service
    Then the response is 200 matching the schema "image/import-info"
    And the list "import-methods.value" in the response contains "glance-direct"

  @id:f866d942-9c3e-4096-bf1c-b912cadc4da8
  Scenario: A request without a token is refused with 401 and where to authenticate
    When I send GET "/v2/images" to the image service without a token
    Then the image service asks for a Keystone token
    And "code" in the response is "401 Unauthorized"

  @id:8553dae4-a1d7-400d-a525-a1ab349cab2b
  Scenario: A request with an invalid token is refused with 401
    When I send GET "/v2/images" to the image service with the header "X-Auth-Token" set to "not-a-token"
    Then the image service asks for a Keystone token

  @id:9d9070f7-6f2d-4f3f-86bf-f1a976fd1819
  Scenario: The image and images schemas describe the API
    When I send GET "/v2/schemas/image" to the image service
    Then the response is 200 matching the schema "image/schema-image"
    And "properties.name.maxLength" in the response is "255"
    And the list "properties.visibility.enum" in the response contains "community"
    When I send GET "/v2/schemas/images" to the image service
    Then the response is 200 matching the schema "image/schema-images"
