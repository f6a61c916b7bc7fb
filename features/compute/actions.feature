@compute @requires:compute>=2.37
Feature: Server actions
  Actions answer 202 (confirmResize 204) and change the server in the background through task
  states; an action the server's state does not allow is refused with 409 and Nova's sentence.

  Background:
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-act", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response is 202 matching the compute schema "server-create"
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE

  @id:053b221c-0abd-4659-af07-b339853e4a7e
  Scenario: Soft and hard reboot, pause and unpause, suspend and resume
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"reboot": {"type": "SOFT"}}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"reboot": {"type": "HARD"}}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"reboot": {"type": "GENTLE"}}
      """
    Then the response is a 400 badRequest fault whose message matches "'GENTLE' is not one of"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"pause": null}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status PAUSED
    Then "server.OS-EXT-STS:vm_state" in the response is "paused"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"pause": null}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Cannot 'pause' instance {server_id} while it is in vm_state paused$"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"unpause": null}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"suspend": null}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status SUSPENDED
    And I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"resume": null}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"explode": null}
      """
    Then the response is a 400 badRequest fault whose message matches "^There is no such action: explode$"

  @id:9933fcc0-cbed-48f4-b2b6-2538fe438b27 @admin @requires:compute>=2.73
  Scenario: A server an admin locked refuses its owner's actions with 409
    Given I am the cloud admin
    When I send POST "/servers/{server_id}/action" to the compute service at microversion "2.73" with:
      """
      {"lock": {"locked_reason": "maintenance"}}
      """
    Then the response status is 202
    Given I am a member of my project
    When I send GET "/servers/{server_id}" to the compute service at microversion "2.73"
    Then the response is 200 matching the compute schema "server"
    And "server.locked" in the response is true
    And "server.locked_reason" in the response is "maintenance"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"os-stop": null}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Instance {server_id} is locked$"
    Given I am the cloud admin
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"unlock": null}
      """
    Then the response status is 202
    Given I am a member of my project
    When I send GET "/servers/{server_id}" to the compute service at microversion "2.73"
    Then "server.locked" in the response is false

  @id:1fb63509-9485-4eef-b065-09a15bcd741c @admin
  Scenario: Resize waits in VERIFY_RESIZE until confirmed with 204
    Given I am the cloud admin
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-bigger", "ram": 128, "vcpus": 1, "disk": 2}}
      """
    Then the response is 200 matching the compute schema "flavor"
    And I remember "flavor.id" from the response as "bigger_id"
    Given I am a member of my project
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"resize": {"flavorRef": "{flavor_id}"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^When resizing, instances must change flavor!$"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"resize": {"flavorRef": "{bigger_id}"}}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status VERIFY_RESIZE
    Then "server.OS-EXT-STS:vm_state" in the response is "resized"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"resize": {"flavorRef": "{flavor_id}"}}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Cannot 'resize' instance {server_id} while it is in vm_state resized$"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"confirmResize": null}
      """
    Then the response status is 204
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send GET "/servers/{server_id}" to the compute service at microversion "2.47"
    Then "server.flavor.original_name" in the response is "{prefix}-bigger"
    And "server.flavor.ram" in the response is "128"

  @id:3b13a82f-f073-48d4-b83a-a90f102b471d @requires:compute>=2.45
  Scenario: createImage answers the new image's id from 2.45
    When I send POST "/servers/{server_id}/action" to the compute service at microversion "2.45" with:
      """
      {"createImage": {"name": "{prefix}-snapshot", "metadata": {"source": "conformance"}}}
      """
    Then the response is 202 matching the schema "compute/create-image"
    And the response header "Location" is absent
    And I remember "image_id" from the response as "snapshot_id"
    And the image resource "/v2/images/{snapshot_id}" is deleted after the scenario
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send GET "/v2/images/{snapshot_id}" to the image service
    Then the response status is 200
    And "name" in the response is "{prefix}-snapshot"

  @id:25d1ef0d-bdbf-4e8a-b068-a0479c1ede01 @admin
  Scenario: A flavor no host can hold ends in ERROR with "No valid host was found"
    Given I am the cloud admin
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-enormous", "ram": 64, "vcpus": 1, "disk": 100000000}}
      """
    Then the response is 200 matching the compute schema "flavor"
    And I remember "flavor.id" from the response as "enormous_id"
    Given I am a member of my project
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-nohost", "imageRef": "{image_id}", "flavorRef": "{enormous_id}", "networks": "none"}}
      """
    Then the response is 202 matching the compute schema "server-create"
    And I remember "server.id" from the response as "nohost_id"
    When I wait until the server "{nohost_id}" has the status ERROR
    Then the response is 200 matching the compute schema "server"
    And "server.fault.code" in the response is "500"
    And "server.fault.message" in the response matches "^No valid host was found\."
    And "server.fault.details" in the response is absent
    And "server.hostId" in the response is ""
    And "server.OS-EXT-STS:vm_state" in the response is "error"
    When I send POST "/servers/{nohost_id}/action" to the compute service with:
      """
      {"os-stop": null}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Instance {nohost_id} is not ready$"
