@compute @requires:compute
Feature: Availability zones, hypervisors, services, aggregates and server groups
  Zones are listed to everyone, their hosts only to admins; hypervisors and services are admin
  views whose ids become UUIDs at 2.53; aggregates carry an availability zone in their metadata;
  server groups change shape at 2.64.

  @id:09743897-7ff5-4ddd-a96d-a80a0d95a304 @smoke
  Scenario: Anyone lists the availability zones that have compute hosts
    Given I am a member of my project
    When I send GET "/os-availability-zone" to the compute service
    Then the response is 200 matching the schema "compute/availability-zone-list"
    And the list "availabilityZoneInfo" in the response does not contain an item whose "zoneName" is "internal"
    And every item of the list "availabilityZoneInfo" in the response has "hosts" equal to "null"
    When I send GET "/os-availability-zone/detail" to the compute service
    Then the response is a 403 forbidden fault whose message matches "os_compute_api:os-availability-zone:detail"

  @id:19879228-6b23-4b9a-916d-1bf12239b11d @admin
  Scenario: An admin sees the zones with their hosts, including the internal zone
    Given I am the cloud admin
    When I send GET "/os-availability-zone/detail" to the compute service
    Then the response is 200 matching the schema "compute/availability-zone-list"
    And the list "availabilityZoneInfo" in the response contains an item whose "zoneName" is "internal"

  @id:bee26714-32ba-419b-9d60-e1c791a0d507 @admin @requires:compute>=2.53
  Scenario: Hypervisors and compute services have UUID ids from 2.53
    Given I am the cloud admin
    When I send GET "/os-hypervisors" to the compute service at microversion "2.53"
    Then the response is 200 matching the compute schema "hypervisor-list"
    When I send GET "/os-hypervisors/detail" to the compute service
    Then the response is 200 matching the compute schema "hypervisor-list"
    When I send GET "/os-services?binary=nova-compute" to the compute service at microversion "2.53"
    Then the response is 200 matching the compute schema "service-list"
    And every item of the list "services" in the response has "binary" equal to "nova-compute"
    Given I am a member of my project
    When I send GET "/os-hypervisors" to the compute service
    Then the response is a 403 forbidden fault whose message matches "^Policy doesn't allow os_compute_api:os-hypervisors:list to be performed\.$"

  @id:a626c41a-9bc9-4fc6-9779-6c27881ae649 @admin
  Scenario: An aggregate's availability zone is mirrored in its metadata
    Given I am the cloud admin
    When I send POST "/os-aggregates" to the compute service with:
      """
      {"aggregate": {"name": "{prefix}-agg", "availability_zone": "{prefix}-az"}}
      """
    Then the response is 200 matching the compute schema "aggregate"
    And "aggregate.availability_zone" in the response is "{prefix}-az"
    And I remember "aggregate.id" from the response as "aggregate_id"
    And the compute resource "/os-aggregates/{aggregate_id}" is deleted after the scenario
    When I send POST "/os-aggregates/{aggregate_id}/action" to the compute service with:
      """
      {"set_metadata": {"metadata": {"ssd": "true"}}}
      """
    Then the response is 200 matching the compute schema "aggregate"
    And "aggregate.metadata.ssd" in the response is "true"
    And "aggregate.metadata.availability_zone" in the response is "{prefix}-az"
    When I send POST "/os-aggregates" to the compute service with:
      """
      {"aggregate": {"name": "{prefix}-agg"}}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Aggregate {prefix}-agg already exists\.$"
    When I send POST "/os-aggregates/{aggregate_id}/action" to the compute service with:
      """
      {"add_host": {"host": "{prefix}-no-such-host"}}
      """
    Then the response is a 404 itemNotFound fault whose message matches "^Compute host {prefix}-no-such-host could not be found\.$"

  @id:abd9c6dc-d9dc-4326-bd56-ccde790bbd66 @requires:compute>=2.64
  Scenario: Server groups at 2.64 have a policy and rules; the old policies list is refused
    Given I am a member of my project
    When I send POST "/os-server-groups" to the compute service at microversion "2.64" with:
      """
      {"server_group": {"name": "{prefix}-group", "policy": "anti-affinity", "rules": {"max_server_per_host": 2}}}
      """
    Then the response is 200 matching the compute schema "server-group"
    And "server_group.policy" in the response is "anti-affinity"
    And "server_group.rules.max_server_per_host" in the response is "2"
    And "server_group.project_id" in the response is "{project_id}"
    And I remember "server_group.id" from the response as "group_id"
    When I send GET "/os-server-groups/{group_id}" to the compute service
    Then the response is 200 matching the compute schema "server-group"
    And the list "server_group.policies" in the response contains "anti-affinity"
    When I send POST "/os-server-groups" to the compute service at microversion "2.64" with:
      """
      {"server_group": {"name": "{prefix}-old", "policies": ["affinity"]}}
      """
    Then the response is a 400 badRequest fault whose message matches "'policy' is a required property$"
    When I send POST "/os-server-groups" to the compute service at microversion "2.64" with:
      """
      {"server_group": {"name": "{prefix}-bad-rules", "policy": "affinity", "rules": {"max_server_per_host": 2}}}
      """
    Then the response is a 400 badRequest fault whose message matches "^Only anti-affinity policy supports rules\.$"
    When I send DELETE "/os-server-groups/{group_id}" to the compute service
    Then the response status is 204
    When I send GET "/os-server-groups/{group_id}" to the compute service
    Then the response is a 404 itemNotFound fault whose message matches "could not be found"
