@identity @admin
Feature: Users, groups, roles and assignments
  The calls Tempest's dynamic credentials make: create users and groups, grant roles on
  projects, list effective assignments, and delete it all again.

  @id:39a04d84-56e7-4f5f-9cde-9d9f0a05d9b4 @smoke
  Scenario: A user granted a role through a group gets it in a token
    Given I am the cloud admin
    When I send POST "/v3/users" to the identity service with:
      """
      {"user": {"name": "{prefix}-alice", "password": "alice-Secret-1", "domain_id": "default"}}
      """
    Then the response is 201 matching the schema "identity/user"
    And "user.password" in the response is absent
    And I remember "user.id" from the response as "alice"
    When I send POST "/v3/groups" to the identity service with:
      """
      {"group": {"name": "{prefix}-team", "domain_id": "default"}}
      """
    Then the response is 201 matching the schema "identity/group"
    And I remember "group.id" from the response as "team"
    When I send PUT "/v3/groups/{team}/users/{alice}" to the identity service
    Then the response status is 204
    When I send PUT "/v3/projects/{project_id}/groups/{team}/roles/{member_role_id}" to the identity service
    Then the response status is 204
    When I send GET "/v3/role_assignments?user.id={alice}&effective" to the identity service
    Then the response is 200 matching the schema "identity/role-assignment-list"
    And the list "role_assignments" in the response contains an item whose "scope.project.id" is "{project_id}"
    When I send POST "/v3/auth/tokens" to the identity service without a token with:
      """
      {"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": "{alice}", "password": "alice-Secret-1"}}}, "scope": {"project": {"id": "{project_id}"}}}}
      """
    Then the response is 201 matching the schema "identity/token"
    And the list "token.roles" in the response contains an item whose "name" is "member"

  @id:4ab15e95-6708-4a60-8def-ae1b1b16eac5
  Scenario: A role is created, implied and deleted
    Given I am the cloud admin
    When I send POST "/v3/roles" to the identity service with:
      """
      {"role": {"name": "{prefix}-auditor"}}
      """
    Then the response is 201 matching the schema "identity/role"
    And I remember "role.id" from the response as "auditor"
    When I send PUT "/v3/roles/{auditor}/implies/{member_role_id}" to the identity service
    Then the response status is 201
    When I send GET "/v3/roles/{auditor}/implies" to the identity service
    Then the response status is 200
    When I send DELETE "/v3/roles/{auditor}" to the identity service
    Then the response status is 204

  @id:5bc26fa6-7819-4b71-9e0f-bf2c2c27fbd6 @security
  Scenario: A password change revokes the user's tokens
    Given I am the cloud admin
    When I send POST "/v3/users" to the identity service with:
      """
      {"user": {"name": "{prefix}-bob", "password": "bob-Secret-1", "domain_id": "default"}}
      """
    Then I remember "user.id" from the response as "bob"
    When I send PUT "/v3/projects/{project_id}/users/{bob}/roles/{member_role_id}" to the identity service
    And I send POST "/v3/auth/tokens" to the identity service without a token with:
      """
      {"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": "{bob}", "password": "bob-Secret-1"}}}, "scope": {"project": {"id": "{project_id}"}}}}
      """
    Then the response status is 201
    And I remember the response header "X-Subject-Token" as "bob_token"
    When I send PATCH "/v3/users/{bob}" to the identity service with:
      """
      {"user": {"password": "bob-Secret-2"}}
      """
    Then the response status is 200
    When I send GET "/v3/auth/tokens" to the identity service with the header "X-Subject-Token" set to "{bob_token}"
    Then the response status is 404

  @id:6cd37fb7-892a-4c82-8f10-c03d3d38fce7
  Scenario: Removing a user from a group takes the group's roles away
    Given I am the cloud admin
    When I send POST "/v3/users" to the identity service with:
      """
      {"user": {"name": "{prefix}-carol", "password": "carol-Secret-1", "domain_id": "default"}}
      """
    Then I remember "user.id" from the response as "carol"
    When I send POST "/v3/groups" to the identity service with:
      """
      {"group": {"name": "{prefix}-crew", "domain_id": "default"}}
      """
    Then I remember "group.id" from the response as "crew"
    When I send PUT "/v3/groups/{crew}/users/{carol}" to the identity service
    And I send HEAD "/v3/groups/{crew}/users/{carol}" to the identity service
    Then the response status is 204
    When I send DELETE "/v3/groups/{crew}/users/{carol}" to the identity service
    Then the response status is 204
    When I send HEAD "/v3/groups/{crew}/users/{carol}" to the identity service
    Then the response status is 404
