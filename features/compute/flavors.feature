@compute @requires:compute
Feature: Flavors
  Anyone lists and shows public flavors; only an admin creates, changes and deletes them. The
  fields follow the microversion: description from 2.55, extra_specs from 2.61, swap an integer
  from 2.75 (an empty string for no swap before).

  @id:9cb38625-2247-4864-a5cb-5ce74074f4af @smoke
  Scenario: A member lists flavors, summarised and in detail
    Given I am a member of my project
    When I send GET "/flavors" to the compute service
    Then the response is 200 matching the compute schema "flavor-list"
    When I send GET "/flavors/detail" to the compute service at microversion "2.61"
    Then the response is 200 matching the compute schema "flavor-list"

  @id:9cf5fa14-7e63-42a3-87ca-020fd9af7219 @admin
  Scenario: An admin creates a flavor that members see, with fields per microversion, and deletes it
    Given I am the cloud admin
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-small", "ram": 128, "vcpus": 1, "disk": 1}}
      """
    Then the response is 200 matching the compute schema "flavor"
    And "flavor.swap" in the response is ""
    And "flavor.os-flavor-access:is_public" in the response is true
    And I remember "flavor.id" from the response as "flavor_id"
    Given I am a member of my project
    When I send GET "/flavors/{flavor_id}" to the compute service at microversion "2.75"
    Then the response is 200 matching the compute schema "flavor"
    And "flavor.swap" in the response is "0"
    And "flavor.description" in the response is null
    When I send GET "/flavors/{flavor_id}" to the compute service
    Then the response is 200 matching the compute schema "flavor"
    And "flavor.description" in the response is absent
    Given I am the cloud admin
    When I send DELETE "/flavors/{flavor_id}" to the compute service
    Then the response status is 202
    And the response has no body
    When I send GET "/flavors/{flavor_id}" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "^Flavor {flavor_id} could not be found\.$"

  @id:0d1a7be5-d867-4732-874e-8e076fde1c42 @admin @requires:compute>=2.61
  Scenario: Extra specs are set, read one by one and shown in the flavor from 2.61
    Given I am the cloud admin
    When I send POST "/flavors" to the compute service at microversion "2.55" with:
      """
      {"flavor": {"name": "{prefix}-specs", "ram": 64, "vcpus": 1, "disk": 0, "description": "with extra specs"}}
      """
    Then the response is 200 matching the compute schema "flavor"
    And "flavor.description" in the response is "with extra specs"
    And I remember "flavor.id" from the response as "flavor_id"
    When I send POST "/flavors/{flavor_id}/os-extra_specs" to the compute service with:
      """
      {"extra_specs": {"hw:cpu_policy": "shared", "custom:colour": "blue"}}
      """
    Then the response is 200 matching the schema "compute/extra-specs"
    And "extra_specs.custom:colour" in the response is "blue"
    When I send GET "/flavors/{flavor_id}/os-extra_specs/custom:colour" to the compute service
    Then the response is 200 matching the schema "compute/extra-spec"
    And "custom:colour" in the response is "blue"
    When I send GET "/flavors/{flavor_id}" to the compute service at microversion "2.61"
    Then the response is 200 matching the compute schema "flavor"
    And "flavor.extra_specs.hw:cpu_policy" in the response is "shared"
    When I send DELETE "/flavors/{flavor_id}/os-extra_specs/custom:colour" to the compute service
    Then the response status is 200
    When I send GET "/flavors/{flavor_id}/os-extra_specs/custom:colour" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "has no extra specs with key custom:colour"

  @id:fc8d0d15-3697-4819-9c7b-13c2a18516f9 @admin
  Scenario: A private flavor is invisible to a project until it is given access
    Given I am the cloud admin
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-private", "ram": 64, "vcpus": 1, "disk": 0, "os-flavor-access:is_public": false}}
      """
    Then the response is 200 matching the compute schema "flavor"
    And I remember "flavor.id" from the response as "flavor_id"
    Given I am a member of my project
    When I send GET "/flavors/{flavor_id}" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "could not be found"
    Given I am the cloud admin
    When I send POST "/flavors/{flavor_id}/action" to the compute service with:
      """
      {"addTenantAccess": {"tenant": "{project_id}"}}
      """
    Then the response is 200 matching the schema "compute/flavor-access"
    And the list "flavor_access" in the response contains an item whose "tenant_id" is "{project_id}"
    Given I am a member of my project
    When I send GET "/flavors/{flavor_id}" to the compute service
    Then the response is 200 matching the compute schema "flavor"
    And "flavor.os-flavor-access:is_public" in the response is false

  @id:b264ca72-eef0-4e96-9339-44ddde0a168f
  Scenario: A member may not create a flavor
    Given I am a member of my project
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-mine", "ram": 64, "vcpus": 1, "disk": 0}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed\.$"

  @id:4b91360d-d02d-438e-a2ba-fee96fa12a99 @admin
  Scenario: Bad flavor bodies are refused with 400 in Nova's words
    Given I am the cloud admin
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-bad", "ram": "lots", "vcpus": 1, "disk": 1}}
      """
    Then the response is a 400 badRequest fault whose message matches "^Invalid input for field/attribute ram\. Value: lots\."
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-bad", "ram": 64, "disk": 1}}
      """
    Then the response is a 400 badRequest fault whose message matches "'vcpus' is a required property$"
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-bad", "ram": 64, "vcpus": 1, "disk": 1, "description": "too early"}}
      """
    Then the response is a 400 badRequest fault whose message matches "Additional properties are not allowed \('description' was unexpected\)"

  @id:fe9ca1e4-f54a-414b-9af0-bcf7108a4766
  Scenario: An unknown flavor is 404 itemNotFound
    Given I am a member of my project
    When I send GET "/flavors/{prefix}-no-such-flavor" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "^Flavor {prefix}-no-such-flavor could not be found\.$"
