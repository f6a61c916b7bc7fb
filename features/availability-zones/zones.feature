@availability-zones @requires:compute
Feature: Availability zones
  Members see the zones that have compute hosts; admins see which hosts are in each. A server
  asked into a zone lands there; an aggregate with an availability zone puts its hosts in that
  zone; an unknown zone is refused, and only an admin may force a host.

  @id:8f4856c2-f572-46ac-8874-b42681f6d905 @smoke
  Scenario: A member lists the zones of the compute services
    Given I am a member of my project
    When I send GET "/os-availability-zone" to the compute service
    Then the response is 200 matching the schema "compute/availability-zone-list"
    And the availability zones in the response are the zones of the compute services
    And every item of the list "availabilityZoneInfo" in the response has "hosts" equal to "null"

  @id:451f3953-4014-490e-8057-77d58295f54f @admin
  Scenario: An admin sees each compute host under its zone, and the control services in "internal"
    Given I am the cloud admin
    When I send GET "/os-availability-zone/detail" to the compute service
    Then the response is 200 matching the schema "compute/availability-zone-list"
    And every compute service's host is listed under its zone in the response
    And the list "availabilityZoneInfo" in the response contains an item with:
      """
      {"zoneName": "internal", "zoneState": {"available": true}}
      """

  @id:9d4487af-d655-4b5e-8971-0d9b43629963 @requires:compute>=2.37
  Scenario: A server asked into a zone lands in that zone
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send GET "/os-availability-zone" to the compute service
    And I remember an available zone from the response as "zone"
    And I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-zoned", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{zone}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    Then "server.OS-EXT-AZ:availability_zone" in the response is "{zone}"

  @id:266a0329-cd27-480f-842e-baf48eb599db @requires:compute>=2.37
  Scenario: An unknown zone is refused, and a member may not force a host
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-nowhere", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{prefix}-nowhere"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^The requested availability zone is not available$"
    When I send GET "/os-availability-zone" to the compute service
    And I remember an available zone from the response as "zone"
    And I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-forced", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{zone}:{prefix}-host"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Policy doesn't allow os_compute_api:servers:create:forced_host to be performed\.$"
    When I send GET "/servers?name={prefix}-nowhere" to the compute service
    Then "servers" in the response has 0 items
    When I send GET "/servers?name={prefix}-forced" to the compute service
    Then "servers" in the response has 0 items

  @id:bd0245b9-5bcf-49be-9136-d433d7a1e92d @admin @requires:compute>=2.37
  Scenario: An aggregate with an availability zone puts its host in that zone, and servers follow
    Given I am the cloud admin
    And a compute host that can change zones, remembered as "host"
    When I send POST "/os-aggregates" to the compute service with:
      """
      {"aggregate": {"name": "{prefix}-zone-agg", "availability_zone": "{prefix}-az"}}
      """
    Then the response is 200 matching the compute schema "aggregate"
    And I remember "aggregate.id" from the response as "aggregate_id"
    And the compute resource "/os-aggregates/{aggregate_id}" is deleted after the scenario
    And the host "{host}" leaves the aggregate "{aggregate_id}" after the scenario
    When I send POST "/os-aggregates/{aggregate_id}/action" to the compute service with:
      """
      {"add_host": {"host": "{host}"}}
      """
    Then the response is 200 matching the compute schema "aggregate"
    And the list "aggregate.hosts" in the response contains "{host}"
    And "aggregate.metadata.availability_zone" in the response is "{prefix}-az"
    When I send GET "/os-availability-zone/detail" to the compute service
    Then the list "availabilityZoneInfo" in the response contains an item with:
      """
      {"zoneName": "{prefix}-az", "zoneState": {"available": true}, "hosts": {"{host}": {"nova-compute": {"available": true, "active": true}}}}
      """
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send GET "/os-availability-zone" to the compute service
    Then the list "availabilityZoneInfo" in the response contains an item whose "zoneName" is "{prefix}-az"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-in-agg-az", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{prefix}-az"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    Then "server.OS-EXT-AZ:availability_zone" in the response is "{prefix}-az"
    And the server "{server_id}" runs on the host "{host}"
    Given I am the cloud admin
    When I send POST "/os-aggregates/{aggregate_id}/action" to the compute service with:
      """
      {"set_metadata": {"metadata": {"availability_zone": "{prefix}-az2"}}}
      """
    Then the response is a 400 badRequest fault whose message matches "^Cannot update metadata of aggregate {aggregate_id}\. Reason: One or more hosts contain instances in this zone\.$"
    When I send DELETE "/servers/{server_id}" to the compute service
    Then the response status is 204
    When I wait until the server "{server_id}" is gone
    And I send POST "/os-aggregates/{aggregate_id}/action" to the compute service with:
      """
      {"remove_host": {"host": "{host}"}}
      """
    Then the response is 200 matching the compute schema "aggregate"
    And "aggregate.hosts" in the response has 0 items
    When I send GET "/os-availability-zone" to the compute service
    Then the list "availabilityZoneInfo" in the response does not contain an item whose "zoneName" is "{prefix}-az"
