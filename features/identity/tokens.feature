@identity
Feature: Tokens
  POST /v3/auth/tokens issues a token (201, X-Subject-Token), GET validates it, HEAD checks it
  and DELETE revokes it. A wrong password is a 401 that does not say which part was wrong.

  @id:0c7f7a51-2f0e-4c1b-8f7d-6b2b9a1c3d11 @smoke
  Scenario: A member gets a project-scoped token with roles and a catalog
    When the member asks for a token scoped to my project
    Then the response is 201 matching the schema "identity/token"
    And the response header "X-Subject-Token" is present
    And "token.project.id" in the response is "{project_id}"
    And the list "token.roles" in the response contains an item whose "name" is "member"
    And the list "token.roles" in the response contains an item whose "name" is "reader"
    And the list "token.catalog" in the response contains an item whose "type" is "identity"
    And "token.expires_at" in the response matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$"

  @id:1d8e8b62-3a1f-4d2c-9a8e-7c3cab2d4e12
  Scenario: An unscoped token carries no roles and no catalog
    When the member asks for an unscoped token
    Then the response is 201 matching the schema "identity/token"
    And "token.roles" in the response is absent
    And "token.catalog" in the response is absent
    And "token.project" in the response is absent

  @id:2e9f9c73-4b20-4e3d-8b9f-8d4dbc3e5f13
  Scenario: The admin validates a token and sees the same user and project
    When the member asks for a token scoped to my project
    And I remember the response header "X-Subject-Token" as "member_token"
    And I send GET "/v3/auth/tokens" to the identity service with the header "X-Subject-Token" set to "{member_token}"
    Then the response is 200 matching the schema "identity/token"
    And "token.user.id" in the response is "{member_user_id}"
    And "token.project.id" in the response is "{project_id}"

  @id:3fa0ad84-5c31-4f4e-9ca0-9e5ecd4f6014
  Scenario: A revoked token no longer validates
    When the member asks for a token scoped to my project
    And I remember the response header "X-Subject-Token" as "member_token"
    And I send DELETE "/v3/auth/tokens" to the identity service with the header "X-Subject-Token" set to "{member_token}"
    Then the response status is 204
    And the response has no body
    When I send GET "/v3/auth/tokens" to the identity service with the header "X-Subject-Token" set to "{member_token}"
    Then the response status is 404
    And the response matches the schema "identity/error"

  @id:4ab1be95-6d42-4a5f-8db1-af6fde507115
  Scenario: A token check with HEAD answers 200 without a body
    When the member asks for a token scoped to my project
    And I remember the response header "X-Subject-Token" as "member_token"
    And I send HEAD "/v3/auth/tokens" to the identity service with the header "X-Subject-Token" set to "{member_token}"
    Then the response status is 200
    And the response has no body

  @id:5bc2cfa6-7e53-4b60-9ec2-b07fef618216 @security
  Scenario: A wrong password is refused without saying what was wrong
    When the member asks for a token with a wrong password
    Then the response is 401 matching the schema "identity/error"
    And the response header "WWW-Authenticate" is present
    And "error.message" in the response is "The request you have made requires authentication."

  @id:6cd3d0b7-8f64-4c71-8fd3-c18f00729317 @security
  Scenario: A request without a token is refused
    When I send GET "/v3/projects" to the identity service without a token
    Then the response is 401 matching the schema "identity/error"
