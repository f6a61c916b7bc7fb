@block-storage @requires:block-storage
Feature: Block storage discovery and microversion negotiation
  Cinder answers 300 at its unversioned root with v3's microversion range; every API answer
  echoes the microversion it was served at in OpenStack-API-Version (volume 3.0 when none was
  asked) with Vary naming it; a version above the maximum is a 406, a malformed one a 400, and
  a header naming only another service a 400 too.

  @id:49d2f7b5-400d-48f0-9549-87db01c2ee2b @smoke
  Scenario: The unversioned root answers 300 with v3 and its microversion range
    When I send GET to the unversioned root of the block-storage service without a token
    Then the response is 300 matching the schema "volume/versions"
    And the list "versions" in the response contains an item with:
      """
      {"id": "v3.0", "status": "CURRENT", "min_version": "3.0"}
      """
    And "versions[0].version" in the response matches "^3\.\d+$"
    And the list "versions[0].links" in the response contains an item whose "rel" is "self"

  @id:0a086955-762f-411f-9d6b-09bcd1dd3234 @smoke
  Scenario: Without a microversion header an answer is served at 3.0, says so, and varies by it
    Given I am a member of my project
    When I send GET "/volumes" to the block-storage service
    Then the response is 200 matching the volume schema "volume-list"
    And the response header "OpenStack-API-Version" matches "^volume 3\.0$"
    And the response header "Vary" matches "OpenStack-API-Version"

  @id:22bcf3c2-ad19-4627-91b9-d16fee7be97a @requires:block-storage>=3.59
  Scenario: A requested microversion is echoed, and "latest" is the maximum the root advertises
    When I send GET to the unversioned root of the block-storage service without a token
    Then I remember "versions[0].version" from the response as "max_microversion"
    Given I am a member of my project
    When I send GET "/volumes/detail" to the block-storage service at microversion "3.59"
    Then the response is 200 matching the volume schema "volume-list-detail"
    And the response header "OpenStack-API-Version" matches "^volume 3\.59$"
    And the response header "Vary" matches "OpenStack-API-Version"
    When I send GET "/volumes" to the block-storage service at microversion "latest"
    Then the response is 200 matching the volume schema "volume-list"
    And the response header "OpenStack-API-Version" matches "^volume {max_microversion}$"
    When I send GET "/volumes/00000000-0000-0000-0000-000000000000" to the block-storage service at microversion "3.59"
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume 00000000-0000-0000-0000-000000000000 could not be found\.$"
    And the response header "OpenStack-API-Version" matches "^volume 3\.59$"
    And the response header "Content-Type" matches "^application/json$"

  @id:8028c23a-5b34-49d6-95bb-5607048ed67e
  Scenario: A microversion above the maximum is refused with 406 and still echoed
    Given I am a member of my project
    When I send GET "/volumes" to the block-storage service at microversion "3.999"
    Then the response is a 406 computeFault volume fault whose message matches "^Version 3\.999 is not supported by the API\. Minimum is 3\.0 and maximum is 3\.\d+\.$"
    And the response header "OpenStack-API-Version" matches "^volume 3\.999$"
    When I send GET "/volumes" to the block-storage service at microversion "4.0"
    Then the response is a 406 computeFault volume fault whose message matches "^Version 4\.0 is not supported by the API\."

  @id:cc7f244a-08a1-4e3f-a72e-f264810095f8
  Scenario: A malformed microversion, or a header naming only another service, is refused with 400
    Given I am a member of my project
    When I send GET "/volumes" to the block-storage service at microversion "abc"
    Then the response is a 400 badRequest volume fault whose message matches "^API Version String abc is of invalid format\. Must be of format MajorNum\.MinorNum\.$"
    When I send GET "/volumes" to the block-storage service with the header "OpenStack-API-Version" set to "compute 2.60"
    Then the response is a 400 badRequest volume fault whose message matches "^The server could not comply with the request since it is either malformed or otherwise incorrect\.$"

  @id:56369068-f7b8-412d-80d0-b78e1d4c85cc
  Scenario: A request without a token, or with a bad one, is refused with 401
    When I send GET "/volumes" to the block-storage service without a token
    Then the response status is 401
    And "error.code" in the response is "401"
    When I send GET "/volumes" to the block-storage service with the header "X-Auth-Token" set to "not-a-token"
    Then the response status is 401

  @id:32193d2a-1c44-4562-825f-fc4eb8cff20b
  Scenario: A project id in the URL that is not the token's project is a malformed URL, for an admin too
    Given I am a member of my project
    When I send GET "/volumes" to the block-storage service under the project "{other_project_id}"
    Then the response is a 400 badRequest volume fault whose message matches "^Malformed request url$"
    Given I am the cloud admin
    When I send GET "/volumes" to the block-storage service under the project "{project_id}"
    Then the response is a 400 badRequest volume fault whose message matches "^Malformed request url$"
    When I send GET "/volumes" to the block-storage service under the project "{other_project_id}"
    Then the response is a 400 badRequest volume fault whose message matches "^Malformed request url$"

  @id:2cbd4827-dd89-4d76-ba0a-65cc18bcfdc9
  Scenario: The v3 document needs a token, and v2 is not served
    When I send GET "/v3/" under the root of the block-storage service without a token
    Then the response status is 401
    Given I am a member of my project
    When I send GET "/v3/" under the root of the block-storage service
    Then the response is 200 matching the schema "volume/versions"
    And the list "versions" in the response contains an item with:
      """
      {"id": "v3.0", "status": "CURRENT", "min_version": "3.0"}
      """
    When I send GET "/v2/" under the root of the block-storage service
    Then the response status is 404
