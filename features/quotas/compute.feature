@quotas @requires:compute>=2.57 @admin
Feature: Compute quotas: usage counted, limits enforced with 403
  An admin sets a project's compute quotas (restored to the defaults after each scenario); the
  project's usage is counted from what it runs; a boot, a key pair, a server group member, a
  metadata item or a resize beyond a limit is refused with 403 and Nova's sentence, and nothing
  is made. (features/compute/quotas.feature covers reading quotas, the member's 403 on changes,
  the instances limit and bad values.)

  @id:101e8cc4-85fe-45db-8742-f95d9d480589
  Scenario: A booted server is counted in the detailed quotas and the limits
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"instances": 5, "force": true}}
      """
    Then the response is 200 matching the compute schema "quota-set-update"
    And "quota_set.instances" in the response is "5"
    When I send GET "/os-quota-sets/{project_id}/detail" to the compute service at microversion "2.57"
    Then "quota_set.instances.limit" in the response is "5"
    And I remember "quota_set.instances.in_use" from the response as "instances_before"
    And I remember "quota_set.cores.in_use" from the response as "cores_before"
    And I remember "quota_set.ram.in_use" from the response as "ram_before"
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send GET "/flavors/{flavor_id}" to the compute service
    And I remember "flavor.vcpus" from the response as "flavor_vcpus"
    And I remember "flavor.ram" from the response as "flavor_ram"
    And I remember the sum of "{instances_before},1" as "instances_after"
    And I remember the sum of "{cores_before},{flavor_vcpus}" as "cores_after"
    And I remember the sum of "{ram_before},{flavor_ram}" as "ram_after"
    And I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-counted", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send GET "/os-quota-sets/{project_id}/detail" to the compute service at microversion "2.57"
    Then the response is 200 matching the compute schema "quota-set-detail"
    And "quota_set.instances.in_use" in the response is "{instances_after}"
    And "quota_set.instances.limit" in the response is "5"
    And "quota_set.cores.in_use" in the response is "{cores_after}"
    And "quota_set.ram.in_use" in the response is "{ram_after}"
    When I send GET "/limits" to the compute service at microversion "2.57"
    Then the response is 200 matching the compute schema "limits"
    And "limits.absolute.maxTotalInstances" in the response is "5"
    And "limits.absolute.totalInstancesUsed" in the response is "{instances_after}"
    And "limits.absolute.totalCoresUsed" in the response is "{cores_after}"
    And "limits.absolute.totalRAMUsed" in the response is "{ram_after}"
    When I send DELETE "/servers/{server_id}" to the compute service
    And I wait until the server "{server_id}" is gone
    And I send GET "/os-quota-sets/{project_id}/detail" to the compute service at microversion "2.57"
    Then "quota_set.instances.in_use" in the response is "{instances_before}"
    And "quota_set.cores.in_use" in the response is "{cores_before}"

  @id:9ae95f62-8d62-445b-8e42-7819ec73bc58
  Scenario: A boot beyond the cores or the RAM quota is refused with 403 and creates nothing
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"cores": 0, "force": true}}
      """
    Then the response is 200 matching the compute schema "quota-set-update"
    When I send GET "/os-quota-sets/{project_id}/detail" to the compute service at microversion "2.57"
    And I remember "quota_set.instances.in_use" from the response as "instances_before"
    And I remember "quota_set.cores.in_use" from the response as "cores_before"
    And I remember "quota_set.ram.in_use" from the response as "ram_before"
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send GET "/flavors/{flavor_id}" to the compute service
    And I remember "flavor.vcpus" from the response as "flavor_vcpus"
    And I remember "flavor.ram" from the response as "flavor_ram"
    And I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-no-cores", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Quota exceeded for cores: Requested {flavor_vcpus}, but already used {cores_before} of 0 cores$"
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"cores": -1, "ram": 1, "force": true}}
      """
    Then the response status is 200
    Given I am a member of my project
    When I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-no-ram", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Quota exceeded for ram: Requested {flavor_ram}, but already used {ram_before} of 1 ram$"
    When I send GET "/servers?name={prefix}-no-" to the compute service
    Then "servers" in the response has 0 items
    When I send GET "/os-quota-sets/{project_id}/detail" to the compute service at microversion "2.57"
    Then "quota_set.instances.in_use" in the response is "{instances_before}"

  @id:c75e6049-4f07-49d2-ae84-3a32cd7a4d62
  Scenario: A key pair beyond the key_pairs quota is refused with 403
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"key_pairs": 1}}
      """
    Then the response status is 200
    Given I am a member of my project
    And the compute resource "/os-keypairs/{prefix}-kq1" is deleted by me after the scenario
    And the compute resource "/os-keypairs/{prefix}-kq2" is deleted by me after the scenario
    When I send POST "/os-keypairs" to the compute service at microversion "2.2" with:
      """
      {"keypair": {"name": "{prefix}-kq1"}}
      """
    Then the response status is 201
    When I send POST "/os-keypairs" to the compute service at microversion "2.2" with:
      """
      {"keypair": {"name": "{prefix}-kq2"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Quota exceeded, too many key pairs\.$"
    When I send GET "/os-keypairs" to the compute service at microversion "2.2"
    Then "keypairs" in the response has 1 item
    When I send DELETE "/os-keypairs/{prefix}-kq1" to the compute service at microversion "2.2"
    Then the response status is 204

  @id:1cef60de-1175-4958-9c51-2b731447515f
  Scenario: A server beyond the server_group_members quota is refused with 403
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"server_group_members": 1}}
      """
    Then the response status is 200
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/os-server-groups" to the compute service at microversion "2.64" with:
      """
      {"server_group": {"name": "{prefix}-small-group", "policy": "soft-affinity"}}
      """
    Then the response status is 200
    And I remember "server_group.id" from the response as "group_id"
    When I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-member-1", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}, "os:scheduler_hints": {"group": "{group_id}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    When I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-member-2", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}, "os:scheduler_hints": {"group": "{group_id}"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Quota exceeded, too many servers in group$"
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send GET "/os-server-groups/{group_id}" to the compute service at microversion "2.64"
    Then "server_group.members" in the response has 1 item

  @id:4d2cfcd3-6b02-4ad7-9f53-eb2a0852fd05
  Scenario: Metadata beyond the metadata_items quota is refused with 403, at boot and after
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"metadata_items": 1}}
      """
    Then the response status is 200
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-meta-2", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "metadata": {"a": "1", "b": "2"}}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Maximum number of metadata items exceeds 1$"
    When I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-meta-1", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "metadata": {"a": "1"}}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send POST "/servers/{server_id}/metadata" to the compute service with:
      """
      {"metadata": {"b": "2"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Maximum number of metadata items exceeds 1$"
    When I send GET "/servers/{server_id}/metadata" to the compute service
    Then the response status is 200
    And "metadata.a" in the response is "1"
    And "metadata.b" in the response is absent
    When I send GET "/servers?name={prefix}-meta-2" to the compute service
    Then "servers" in the response has 0 items

  @id:9f29666c-7f55-4ab3-9a95-9e874e6c4d69
  Scenario: A resize to a flavor beyond the cores quota is refused with 403 and the server keeps its flavor
    Given I am a member of my project
    And a flavor and an image to boot a server from
    When I send GET "/flavors/{flavor_id}" to the compute service
    And I remember "flavor.vcpus" from the response as "flavor_vcpus"
    And I remember "flavor.ram" from the response as "flavor_ram"
    And I remember "flavor.disk" from the response as "flavor_disk"
    Given I am the cloud admin
    When I send POST "/flavors" to the compute service with:
      """
      {"flavor": {"name": "{prefix}-wider", "ram": {flavor_ram}, "vcpus": 8, "disk": {flavor_disk}}}
      """
    Then the response status is 200
    And I remember "flavor.id" from the response as "wide_flavor"
    When I send GET "/os-quota-sets/{project_id}/detail" to the compute service at microversion "2.57"
    And I remember "quota_set.cores.in_use" from the response as "cores_before"
    And I remember the sum of "{cores_before},{flavor_vcpus}" as "cores_limit"
    And I send PUT "/os-quota-sets/{project_id}" to the compute service at microversion "2.57" with:
      """
      {"quota_set": {"cores": {cores_limit}}}
      """
    Then the response status is 200
    Given I am a member of my project
    When I send POST "/servers" to the compute service at microversion "2.57" with:
      """
      {"server": {"name": "{prefix}-resize-over", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send POST "/servers/{server_id}/action" to the compute service with:
      """
      {"resize": {"flavorRef": "{wide_flavor}"}}
      """
    Then the response is a 403 forbidden fault whose message matches "^Quota exceeded for cores: Requested \d+, but already used {cores_limit} of {cores_limit} cores$"
    When I send GET "/servers/{server_id}" to the compute service at microversion "2.57"
    Then "server.status" in the response is "ACTIVE"
    And "server.flavor.vcpus" in the response is "{flavor_vcpus}"
