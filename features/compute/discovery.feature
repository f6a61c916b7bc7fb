@compute @requires:compute
Feature: Compute service discovery and microversion negotiation
  Nova publishes v2.0 and v2.1 at its unversioned root, the v2.1 document carries the
  microversion range, and every answer echoes the microversion it was served at in
  OpenStack-API-Version and X-OpenStack-Nova-API-Version, with Vary naming both.

  @id:d8b33957-61ce-4ffd-9708-faed6b92fdc2 @smoke
  Scenario: The unversioned root lists v2.1 as current with its microversion range
    When I send GET to the unversioned root of the compute service without a token
    Then the response is 200 matching the schema "compute/versions", with or without a request id
    And the list "versions" in the response contains an item with:
      """
      {"id": "v2.1", "status": "CURRENT", "min_version": "2.1"}
      """
    And the list "versions" in the response contains an item whose "id" is "v2.0"

  @id:c7aed4ee-7f19-4b6f-bbfe-263c2f1df3e6
  Scenario: The v2.1 version document needs no token and names its own self link
    When I send GET "/" to the compute service without a token
    Then the response is 200 matching the schema "compute/version"
    And "version.id" in the response is "v2.1"
    And "version.min_version" in the response is "2.1"
    And "version.version" in the response matches "^2\.\d+$"
    And "version.links[0].href" in the response matches "/v2\.1/$"

  @id:cd0ba7e4-ab85-4904-99f9-63a22729bc1a @smoke
  Scenario: Without a microversion header the answer is served at 2.1 and says so
    Given I am a member of my project
    When I send GET "/flavors" to the compute service
    Then the response is 200 matching the compute schema "flavor-list"
    And the response header "OpenStack-API-Version" matches "^compute 2\.1$"
    And the response header "X-OpenStack-Nova-API-Version" matches "^2\.1$"
    And the response header "Vary" matches "OpenStack-API-Version"
    And the response header "Vary" matches "X-OpenStack-Nova-API-Version"

  @id:2b0087c2-fc39-4940-b283-8e8324404eb8 @requires:compute>=2.79
  Scenario: A requested microversion is echoed in both headers
    Given I am a member of my project
    When I send GET "/flavors" to the compute service at microversion "2.79"
    Then the response is 200 matching the compute schema "flavor-list"
    And the response header "OpenStack-API-Version" matches "^compute 2\.79$"
    And the response header "X-OpenStack-Nova-API-Version" matches "^2\.79$"

  @id:6f8b6d48-8960-43ae-84be-f61b3a9b4894 @requires:compute>=2.60
  Scenario: The legacy X-OpenStack-Nova-API-Version header alone selects the microversion
    Given I am a member of my project
    When I send GET "/flavors" to the compute service with the header "X-OpenStack-Nova-API-Version" set to "2.60"
    Then the response is 200 matching the compute schema "flavor-list"
    And the response header "OpenStack-API-Version" matches "^compute 2\.60$"

  @id:ada6f959-402a-421e-a74b-581dc0f7fcf3
  Scenario: "latest" is answered at the maximum the version document advertises
    When I send GET "/" to the compute service without a token
    Then I remember "version.version" from the response as "max_microversion"
    Given I am a member of my project
    When I send GET "/flavors" to the compute service at microversion "latest"
    Then the response is 200 matching the compute schema "flavor-list"
    And the response header "OpenStack-API-Version" matches "^compute {max_microversion}$"

  @id:9ab78d91-af43-428f-8c5b-7d16f15226ad
  Scenario: A microversion out of range is refused with 406 and still echoed
    Given I am a member of my project
    When I send GET "/flavors" to the compute service at microversion "2.999"
    Then the response is a 406 computeFault fault whose message matches "^Version 2\.999 is not supported by the API\. Minimum is 2\.1 and maximum is 2\.\d+\.$"
    And the response header "OpenStack-API-Version" matches "^compute 2\.999$"
    When I send GET "/flavors" to the compute service at microversion "3.1"
    Then the response is a 406 computeFault fault whose message matches "^Version 3\.1 is not supported by the API"

  @id:317d0963-797c-426b-930a-ab7b0bfee405
  Scenario: A malformed microversion is refused with 400
    Given I am a member of my project
    When I send GET "/flavors" to the compute service at microversion "abc"
    Then the response is a 400 badRequest fault whose message matches "^API Version String abc is of invalid format\. Must be of format MajorNum\.MinorNum\.$"

  @id:bff1d810-97fe-4b86-abdb-24a3a969f33e
  Scenario: A request without a token is refused with 401 and a WWW-Authenticate header
    When I send GET "/servers" to the compute service without a token
    Then the response status is 401
    And the response header "WWW-Authenticate" matches "^Keystone uri="
