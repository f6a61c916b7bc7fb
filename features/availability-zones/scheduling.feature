@availability-zones @requires:compute>=2.64
Feature: Aggregates and server groups steer the scheduler
  Flavor extra specs pick the hosts of aggregates with matching metadata (where the scheduler
  runs AggregateInstanceExtraSpecsFilter); an affinity group keeps its servers on one host, an
  anti-affinity group spreads them, and a server that anti-affinity cannot place ends in ERROR
  with "No valid host was found".

  @id:2fbce838-36e5-4660-bf4c-b9bfdf59ddc1 @admin @requires:compute-hosts>=2 @requires:scheduler-filter:AggregateInstanceExtraSpecsFilter
  Scenario: A flavor's aggregate extra spec sends its servers to the aggregate's hosts, and nowhere else
    Given I am the cloud admin
    And a compute host, remembered as "host"
    When I send POST "/os-aggregates" to the compute service with:
      """
      {"aggregate": {"name": "{prefix}-fast"}}
      """
    Then the response is 200 matching the compute schema "aggregate"
    And I remember "aggregate.id" from the response as "aggregate_id"
    And the compute resource "/os-aggregates/{aggregate_id}" is deleted after the scenario
    And the host "{host}" leaves the aggregate "{aggregate_id}" after the scenario
    When I send POST "/os-aggregates/{aggregate_id}/action" to the compute service with:
      """
      {"add_host": {"host": "{host}"}}
      """
    Then the response status is 200
    When I send POST "/os-aggregates/{aggregate_id}/action" to the compute service with:
      """
      {"set_metadata": {"metadata": {"stackproof_disk": "{prefix}-fast"}}}
      """
    Then the response is 200 matching the compute schema "aggregate"
    And "aggregate.metadata.stackproof_disk" in the response is "{prefix}-fast"
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-fast", "ram": 64, "vcpus": 1, "disk": 1}}
      """
    Then the response status is 200
    And I remember "flavor.id" from the response as "fast_flavor"
    When I send POST "/flavors/{fast_flavor}/os-extra_specs" to the compute service with:
      """
      {"extra_specs": {"aggregate_instance_extra_specs:stackproof_disk": "{prefix}-fast"}}
      """
    Then the response status is 200
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-slow", "ram": 64, "vcpus": 1, "disk": 1}}
      """
    Then the response status is 200
    And I remember "flavor.id" from the response as "slow_flavor"
    When I send POST "/flavors/{slow_flavor}/os-extra_specs" to the compute service with:
      """
      {"extra_specs": {"aggregate_instance_extra_specs:stackproof_disk": "{prefix}-slow"}}
      """
    Then the response status is 200
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-fast", "imageRef": "{image_id}", "flavorRef": "{fast_flavor}", "networks": "none"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "fast_id"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-slow", "imageRef": "{image_id}", "flavorRef": "{slow_flavor}", "networks": "none"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "slow_id"
    When I wait until the server "{fast_id}" has the status ACTIVE
    Then the server "{fast_id}" runs on the host "{host}"
    When I wait until the server "{slow_id}" has the status ERROR
    Then "server.fault.message" in the response matches "^No valid host was found\."
    And "server.hostId" in the response is ""

  @id:76256c93-4608-4353-8e62-5f209b063e33 @requires:scheduler-filter:ServerGroupAffinityFilter
  Scenario: An affinity group keeps its servers on one host
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/os-server-groups" to the compute service at microversion "2.64" with:
      """
      {"server_group": {"name": "{prefix}-together", "policy": "affinity"}}
      """
    Then the response is 200 matching the compute schema "server-group"
    And I remember "server_group.id" from the response as "group_id"
    When I boot 2 servers named "together" in the server group "{group_id}"
    Then the servers named "together" run on the same host
    When I send GET "/os-server-groups/{group_id}" to the compute service at microversion "2.64"
    Then "server_group.members" in the response has 2 items
    And the list "server_group.members" in the response contains "{together_1}"
    And the list "server_group.members" in the response contains "{together_2}"

  @id:69ff6ac0-9260-484d-9bc5-0a2714e802cd @requires:compute-hosts>=2 @requires:scheduler-filter:ServerGroupAntiAffinityFilter
  Scenario: An anti-affinity group puts its servers on different hosts
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/os-server-groups" to the compute service at microversion "2.64" with:
      """
      {"server_group": {"name": "{prefix}-apart", "policy": "anti-affinity"}}
      """
    Then the response is 200 matching the compute schema "server-group"
    And I remember "server_group.id" from the response as "group_id"
    When I boot 2 servers named "apart" in the server group "{group_id}"
    Then the servers named "apart" run on different hosts

  @id:c3615f16-14c7-46b8-8fe7-7457e2104afa @admin @requires:scheduler-filter:ServerGroupAntiAffinityFilter
  Scenario: A server that anti-affinity cannot place, one more than the cloud has hosts, ends in ERROR
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/os-server-groups" to the compute service at microversion "2.64" with:
      """
      {"server_group": {"name": "{prefix}-spread", "policy": "anti-affinity"}}
      """
    Then the response is 200 matching the compute schema "server-group"
    And I remember "server_group.id" from the response as "group_id"
    When I boot as many servers as the cloud has compute hosts, named "spread", in the server group "{group_id}"
    Then the servers named "spread" run on different hosts
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-spread-extra", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}, "os:scheduler_hints": {"group": "{group_id}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "extra_id"
    When I wait until the server "{extra_id}" has the status ERROR
    Then "server.fault.message" in the response matches "^No valid host was found\."
    And "server.fault.code" in the response is "500"
    And "server.OS-EXT-AZ:availability_zone" in the response is ""
