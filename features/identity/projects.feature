@identity @admin
Feature: Projects and domains
  An admin manages projects and domains; names are unique within a domain; an enabled domain
  cannot be deleted; unknown ids answer 404.

  @id:7de4e1c8-9a75-4d82-a0e4-d2a011830418 @smoke
  Scenario: An admin creates, reads, updates and deletes a project
    Given I am the cloud admin
    When I send POST "/v3/projects" to the identity service with:
      """
      {"project": {"name": "{prefix}-crud", "description": "first", "domain_id": "default", "tags": ["a"]}}
      """
    Then the response is 201 matching the schema "identity/project"
    And "project.name" in the response is "{prefix}-crud"
    And "project.domain_id" in the response is "default"
    And "project.enabled" in the response is true
    And I remember "project.id" from the response as "pid"
    When I send PATCH "/v3/projects/{pid}" to the identity service with:
      """
      {"project": {"description": "second", "enabled": false}}
      """
    Then the response status is 200
    And "project.description" in the response is "second"
    And "project.enabled" in the response is false
    When I send GET "/v3/projects?name={prefix}-crud" to the identity service
    Then the response is 200 matching the schema "identity/project-list"
    And "projects" in the response has 1 item
    When I send DELETE "/v3/projects/{pid}" to the identity service
    Then the response status is 204
    And the response has no body
    When I send GET "/v3/projects/{pid}" to the identity service
    Then the response is 404 matching the schema "identity/error"

  @id:8ef5f2d9-ab86-4e93-b1f5-e3b122941519
  Scenario: Two projects cannot share a name in one domain
    Given I am the cloud admin
    When I send POST "/v3/projects" to the identity service with:
      """
      {"project": {"name": "{prefix}-dup", "domain_id": "default"}}
      """
    Then the response status is 201
    When I send POST "/v3/projects" to the identity service with:
      """
      {"project": {"name": "{prefix}-dup", "domain_id": "default"}}
      """
    Then the response is 409 matching the schema "identity/error"

  @id:9f06a3ea-bc97-4fa4-82a6-f4c23305261a
  Scenario: An enabled domain cannot be deleted; a disabled one can
    Given I am the cloud admin
    When I send POST "/v3/domains" to the identity service with:
      """
      {"domain": {"name": "{prefix}-domain", "description": "stackproof"}}
      """
    Then the response is 201 matching the schema "identity/domain"
    And I remember "domain.id" from the response as "did"
    When I send DELETE "/v3/domains/{did}" to the identity service
    Then the response is 403 matching the schema "identity/error"
    When I send PATCH "/v3/domains/{did}" to the identity service with:
      """
      {"domain": {"enabled": false}}
      """
    Then the response status is 200
    When I send DELETE "/v3/domains/{did}" to the identity service
    Then the response status is 204

  @id:a017b4fb-cda8-40b5-93a7-05d344163a1b
  Scenario: An unknown project id answers 404 in Keystone's error format
    Given I am the cloud admin
    When I send GET "/v3/projects/00000000000000000000000000000000" to the identity service
    Then the response is 404 matching the schema "identity/error"
    And "error.code" in the response is "404"
