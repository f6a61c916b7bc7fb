@identity @admin @security
Feature: Bad input is refused clearly and changes nothing
  Malformed JSON, wrong types, missing fields and oversized bodies get a 400 (or 413) in
  Keystone's error format, never a 500.

  @id:b128c50c-de9b-41c6-a4b7-16e455274b2c
  Scenario: Malformed JSON
    Given I am the cloud admin
    When I send POST "/v3/projects" to the identity service with the raw body "{\"project\": {\"name\": " as "application/json"
    Then the response is 400 matching the schema "identity/error"

  @id:c239d61d-ef0c-42d7-b5a8-27f566385c3d
  Scenario: A field of the wrong type
    Given I am the cloud admin
    When I send POST "/v3/projects" to the identity service with:
      """
      {"project": {"name": 12}}
      """
    Then the response is 400 matching the schema "identity/error"
    And "error.message" in the response matches "name"

  @id:d34ae72e-f051-43e8-86b9-38a677496d4e
  Scenario: A missing required field
    Given I am the cloud admin
    When I send POST "/v3/projects" to the identity service with:
      """
      {"project": {"description": "no name"}}
      """
    Then the response is 400 matching the schema "identity/error"
    And "error.message" in the response matches "'name' is a required property"

  @id:e45bf83f-0162-4af9-97b0-49b788507e5f
  Scenario: A token request without credentials
    When I send POST "/v3/auth/tokens" to the identity service without a token with:
      """
      {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "nobody-{prefix}", "domain": {"id": "default"}, "password": "x"}}}}}
      """
    Then the response is 401 matching the schema "identity/error"
    And "error.message" in the response is "The request you have made requires authentication."
