@identity
Feature: The service catalog
  A project-scoped token carries the catalog; GET /v3/auth/catalog returns it too, with
  public, internal and admin endpoints in the region.

  @id:9f06a2ea-bc5d-4fb5-a243-f3605f6a2f1a @smoke
  Scenario: The catalog lists identity with a public endpoint
    Given I am a member of my project
    When I send GET "/v3/auth/catalog" to the identity service
    Then the response status is 200
    And the list "catalog" in the response contains an item whose "type" is "identity"
    And the list "catalog[0].endpoints" in the response contains an item whose "interface" is "public"

  @id:a017b3fb-cd6e-40c6-b354-04716b7b302b @admin
  Scenario: An admin registers a region, a service and an endpoint
    Given I am the cloud admin
    When I send POST "/v3/regions" to the identity service with:
      """
      {"region": {"id": "{prefix}-region", "description": "stackproof"}}
      """
    Then the response is 201 matching the schema "identity/region"
    When I send POST "/v3/services" to the identity service with:
      """
      {"service": {"type": "{prefix}-type", "name": "{prefix}-svc", "description": "stackproof"}}
      """
    Then the response is 201 matching the schema "identity/service"
    And I remember "service.id" from the response as "sid"
    When I send POST "/v3/endpoints" to the identity service with:
      """
      {"endpoint": {"service_id": "{sid}", "interface": "public", "url": "http://example.invalid/{prefix}", "region_id": "{prefix}-region"}}
      """
    Then the response is 201 matching the schema "identity/endpoint"
    And I remember "endpoint.id" from the response as "eid"
    When I send DELETE "/v3/endpoints/{eid}" to the identity service
    Then the response status is 204
    When I send DELETE "/v3/services/{sid}" to the identity service
    Then the response status is 204
    When I send DELETE "/v3/regions/{prefix}-region" to the identity service
    Then the response status is 204
