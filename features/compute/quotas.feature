@compute @requires:compute
Feature: Compute quotas and limits
  A project reads its own quotas and limits; an admin changes them; a create over quota is
  refused with 403 and Nova's message, before anything is made.

  @id:7baf6968-5445-4d67-a184-8c9e47795233 @smoke
  Scenario: A member reads its project's quotas, their usage and its limits
    Given I am a member of my project
    When I send GET "/os-quota-sets/{project_id}" to the compute service
    Then the response is 200 matching the compute schema "quota-set"
    And "quota_set.id" in the response is "{project_id}"
    When I send GET "/limits" to the compute service
    Then the response is 200 matching the compute schema "limits"
    And "limits.rate" in the response has 0 items

  @id:5cb07438-5d06-4454-bc3f-ea6eed2fc5c5 @requires:compute>=2.57
  Scenario: From 2.57 quotas and limits leave out the network and file quotas
    Given I am a member of my project
    When I send GET "/os-quota-sets/{project_id}" to the compute service at microversion "2.57"
    Then the response is 200 matching the compute schema "quota-set"
    And "quota_set.floating_ips" in the response is absent
    And "quota_set.injected_files" in the response is absent
    When I send GET "/os-quota-sets/{project_id}/detail" to the compute service at microversion "2.57"
    Then the response is 200 matching the compute schema "quota-set-detail"
    When I send GET "/os-quota-sets/{project_id}/defaults" to the compute service at microversion "2.57"
    Then the response is 200 matching the compute schema "quota-set"
    When I send GET "/limits" to the compute service at microversion "2.57"
    Then the response is 200 matching the compute schema "limits"
    And "limits.absolute.maxPersonality" in the response is absent

  @id:51271798-cb8d-4b62-89aa-c6b053316de4
  Scenario: A member may not change quotas
    Given I am a member of my project
    When I send PUT "/os-quota-sets/{project_id}" to the compute service with:
      """
      {"quota_set": {"instances": 1}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Policy doesn't allow os_compute_api:os-quota-sets:update to be performed\.$"

  @id:3fd9d815-f6f6-43f7-a255-2cdecc9ad237 @admin @requires:compute>=2.57
  Scenario: Over the instance quota a boot is refused with 403 and nothing is created
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"instances": 0, "force": true}}
      """
    Then the response is 200 matching the compute schema "quota-set-update"
    And "quota_set.instances" in the response is "0"
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-over", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Quota exceeded for instances: Requested 1, but already used 0 of 0 instances$"
    When I send GET "/servers?name={prefix}-over" to the compute service
    Then "servers" in the response has 0 items

  @id:d32ad4a1-33c6-4666-90d1-d0403bdc1c60 @admin
  Scenario: A quota below what is in use needs force, and a bad value is refused
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service with:
      """
      {"quota_set": {"instances": "many"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^Invalid input for field/attribute instances\. Value: many\."
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"floating_ips": 1}}
      """
    Then the response is a 400 badRequest fault whose message matches "Additional properties are not allowed \('floating_ips' was unexpected\)"
