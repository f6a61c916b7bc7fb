@identity @admin
Feature: Application credentials
  A user creates an application credential for their project; its secret is shown once and
  authenticates with the application_credential method to a token limited to its roles.

  @id:7de480c8-9a3b-4d93-a021-d14e4e3e0df8 @smoke
  Scenario: A member creates an application credential and authenticates with it
    Given I am a member of my project
    When I send POST "/v3/users/{member_user_id}/application_credentials" to the identity service with:
      """
      {"application_credential": {"name": "{prefix}-ci", "description": "for CI"}}
      """
    Then the response is 201 matching the schema "identity/application-credential-created"
    And I remember "application_credential.id" from the response as "ac"
    And I remember "application_credential.secret" from the response as "ac_secret"
    When I send GET "/v3/users/{member_user_id}/application_credentials/{ac}" to the identity service
    Then the response is 200 matching the schema "identity/application-credential"
    And "application_credential.secret" in the response is absent
    When I send POST "/v3/auth/tokens" to the identity service without a token with:
      """
      {"auth": {"identity": {"methods": ["application_credential"], "application_credential": {"id": "{ac}", "secret": "{ac_secret}"}}}}
      """
    Then the response is 201 matching the schema "identity/token"
    And "token.project.id" in the response is "{project_id}"
    And "token.application_credential.id" in the response is "{ac}"

  @id:8ef591d9-ab4c-4ea4-b132-e25f5f4f1e09 @security
  Scenario: A wrong application credential secret is refused
    Given I am a member of my project
    When I send POST "/v3/users/{member_user_id}/application_credentials" to the identity service with:
      """
      {"application_credential": {"name": "{prefix}-wrong"}}
      """
    Then I remember "application_credential.id" from the response as "ac"
    When I send POST "/v3/auth/tokens" to the identity service without a token with:
      """
      {"auth": {"identity": {"methods": ["application_credential"], "application_credential": {"id": "{ac}", "secret": "not-the-secret"}}}}
      """
    Then the response is 401 matching the schema "identity/error"
