@compute @requires:compute>=2.37
Feature: Server lifecycle
  POST /servers answers 202 with a Location and a small body; the server builds to ACTIVE in the
  background; its fields follow the microversion (the flavor is embedded from 2.47); actions in
  the wrong state are refused with 409; DELETE answers 204 and the server goes away after.
  Servers here boot with "networks": "none" (2.37+), so they need no network of their own.

  Background:
    Given I am a member of my project
    And a flavor and an image to boot a server from

  @id:843c51b0-d8f2-46ec-afbe-f028f3af66f0 @smoke
  Scenario: A server boots to ACTIVE, shows its fields per microversion, and is deleted
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-boot", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "metadata": {"purpose": "conformance"}}}
      """
    Then the response is 202 matching the compute schema "server-create"
    And the response header "Location" matches "/servers/[0-9a-f-]{36}$"
    And "server.adminPass" in the response matches "^.+$"
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send GET "/servers/{server_id}" to the compute service
    Then the response is 200 matching the compute schema "server"
    And "server.OS-EXT-STS:vm_state" in the response is "active"
    And "server.OS-EXT-STS:power_state" in the response is "1"
    And "server.created" in the response matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
    And "server.OS-SRV-USG:launched_at" in the response matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$"
    And "server.metadata.purpose" in the response is "conformance"
    And "server.flavor.id" in the response is "{flavor_id}"
    And "server.tenant_id" in the response is "{project_id}"
    When I send GET "/servers/{server_id}" to the compute service at microversion "2.47"
    Then the response is 200 matching the compute schema "server"
    And "server.flavor.id" in the response is absent
    And "server.flavor.original_name" in the response matches "."
    And "server.description" in the response is null
    When I send DELETE "/servers/{server_id}" to the compute service
    Then the response status is 204
    And the response has no body
    When I wait until the server "{server_id}" is gone
    And I send GET "/servers/{server_id}" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "^Instance {server_id} could not be found\.$"

  @id:f85b27ce-3c94-4746-8b74-bef251e7c465
  Scenario: Stop and start, and the 409 for each in the wrong state
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-power", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response is 202 matching the compute schema "server-create"
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"os-start": null}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Cannot 'start' instance {server_id} while it is in vm_state active$"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"os-stop": null}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status SHUTOFF
    Then "server.OS-EXT-STS:vm_state" in the response is "stopped"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"os-stop": null}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Cannot 'stop' instance {server_id} while it is in vm_state stopped$"
    When I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"os-start": null}
      """
    Then the response status is 202
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send GET "/servers/{server_id}/os-instance-actions" to the compute service
    Then the response is 200 matching the schema "compute/instance-action-list"
    And the list "instanceActions" in the response contains an item whose "action" is "stop"
    And the list "instanceActions" in the response contains an item whose "action" is "start"
    And the list "instanceActions" in the response contains an item whose "action" is "create"

  @id:82f07dda-2801-46c8-825c-913bc010ff82
  Scenario: Listing pages with servers_links and details every server
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-page-a", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response status is 202
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-page-b", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response status is 202
    When I send GET "/servers?limit=1" to the compute service
    Then the response is 200 matching the compute schema "server-list"
    And "servers" in the response has 1 item
    And "servers_links[0].rel" in the response is "next"
    And "servers_links[0].href" in the response matches "/servers\?limit=1&marker=[0-9a-f-]{36}$"
    When I send GET "/servers/detail?name={prefix}-page-" to the compute service at microversion "2.47"
    Then the response is 200 matching the compute schema "server-list"
    And "servers" in the response has 2 items

  @id:082aa8d4-2353-4b97-ab28-70fe4df07ade
  Scenario: Another project's server is not found
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-mine", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    Given I am a member of the other project
    When I send GET "/servers/{server_id}" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "^Instance {server_id} could not be found\.$"
    When I send DELETE "/servers/{server_id}" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "could not be found"

  @id:941acb44-3c58-4eb9-afdf-d9f8eb96ec79
  Scenario: Bad server create requests are refused with 400 and create nothing
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-nonet", "imageRef": "{image_id}", "flavorRef": "{flavor_id}"}}
      """
    Then the response is a 400 badRequest fault whose message matches "'networks' is a required property$"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-badflavor", "imageRef": "{image_id}", "flavorRef": "{prefix}-no-such-flavor", "networks": "none"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^Flavor {prefix}-no-such-flavor could not be found\.$"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-badimage", "imageRef": "00000000-0000-0000-0000-000000000000", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^Can not find requested image$"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-badaz", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{prefix}-nowhere"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^The requested availability zone is not available$"
    When I send POST "/servers" to the compute service with the raw body "{\"server\": " as "application/json"
    Then the response is a 400 badRequest fault whose message matches "^Malformed request body$"
    When I send GET "/servers?name={prefix}-bad" to the compute service
    Then the response is 200 matching the compute schema "server-list"
    And "servers" in the response has 0 items

  @id:df02334b-c973-4087-8fb7-5884f4290f52
  Scenario: An unknown server is 404 itemNotFound, whatever the id looks like
    When I send GET "/servers/00000000-0000-0000-0000-000000000000" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "^Instance 00000000-0000-0000-0000-000000000000 could not be found\.$"
    When I send GET "/servers/not-a-uuid" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "^Instance not-a-uuid could not be found\.$"
