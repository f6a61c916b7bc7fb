@identity @admin @security
Feature: Roles and project isolation
  Admin implies member implies reader. Members and readers cannot call admin APIs, and a user
  of one project cannot see another project.

  @id:f56c0940-1273-4b0a-a8ad-5a8b59619570 @smoke
  Scenario Outline: A <role> cannot call the admin APIs
    Given I am a <role> of my project
    When I send <method> "<path>" to the identity service
    Then the response is 403 matching the schema "identity/error"

    Examples:
      | role   | method | path                 |
      | member | GET    | /v3/projects         |
      | member | GET    | /v3/users            |
      | member | GET    | /v3/domains          |
      | member | GET    | /v3/role_assignments |
      | reader | GET    | /v3/projects         |
      | reader | GET    | /v3/users            |
      | reader | GET    | /v3/role_assignments |

  @id:067d1a51-2384-4c1b-b9ac-6b9c6a72a681
  Scenario: A member cannot create a project
    Given I am a member of my project
    When I send POST "/v3/projects" to the identity service with:
      """
      {"project": {"name": "{prefix}-by-member", "domain_id": "default"}}
      """
    Then the response is 403 matching the schema "identity/error"
    And "error.message" in the response matches "identity:create_project"

  @id:178e2b62-3495-4d2d-8abd-7b7d7b83b792
  Scenario: A member sees their own project and user but not another project
    Given I am the cloud admin
    When I send POST "/v3/projects" to the identity service with:
      """
      {"project": {"name": "{prefix}-other", "domain_id": "default"}}
      """
    Then I remember "project.id" from the response as "other"
    Given I am a member of my project
    When I send GET "/v3/projects/{project_id}" to the identity service
    Then the response is 200 matching the schema "identity/project"
    When I send GET "/v3/users/{member_user_id}" to the identity service
    Then the response is 200 matching the schema "identity/user"
    When I send GET "/v3/projects/{other}" to the identity service
    Then the response is 403 matching the schema "identity/error"

  @id:289f3c73-45a6-4e3e-8bcd-8c8e8c94c8a3
  Scenario: The reader role is implied by member, so a member's token holds both
    When the member asks for a token scoped to my project
    Then the list "token.roles" in the response contains an item whose "name" is "reader"
    And the list "token.roles" in the response does not contain an item whose "name" is "admin"
