@block-storage @requires:block-storage
Feature: Volume lifecycle
  POST /volumes answers 202 with the volume "creating"; it becomes available in the background;
  show, list and detail give Cinder's fields per microversion (bootable a string, times with
  microseconds and no zone); name, description and metadata change with PUT; DELETE answers 202
  and the volume is gone after; another project does not see it.

  Background:
    Given I am a member of my project

  @id:12d5f0e9-bc9e-40b6-8f27-967bfbe68d9b @smoke
  Scenario: A volume is created, becomes available, is shown, updated and deleted
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-life", "description": "conformance", "metadata": {"purpose": "lifecycle"}}}
      """
    Then the response is 202 matching the volume schema "volume"
    And "volume.status" in the response is "creating"
    And "volume.name" in the response is "{prefix}-life"
    And "volume.size" in the response is "1"
    And "volume.bootable" in the response is "false"
    And "volume.updated_at" in the response is null
    And "volume.os-vol-tenant-attr:tenant_id" in the response is absent
    And I remember "volume.id" from the response as "volume_id"
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    And I send GET "/volumes/{volume_id}" to the block-storage service
    Then the response is 200 matching the volume schema "volume"
    And "volume.status" in the response is "available"
    And "volume.bootable" in the response is "false"
    And "volume.attachments" in the response has 0 items
    And "volume.metadata.purpose" in the response is "lifecycle"
    And "volume.description" in the response is "conformance"
    And "volume.os-vol-tenant-attr:tenant_id" in the response is "{project_id}"
    And "volume.user_id" in the response is "{member_user_id}"
    And "volume.created_at" in the response matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$"
    And "volume.links[0].href" in the response matches "/volumes/{volume_id}$"
    When I send PUT "/volumes/{volume_id}" to the block-storage service with:
      """
      {"volume": {"name": "{prefix}-renamed", "description": "changed", "metadata": {"stage": "two"}}}
      """
    Then the response is 200 matching the volume schema "volume"
    And "volume.name" in the response is "{prefix}-renamed"
    And "volume.description" in the response is "changed"
    And "volume.metadata.stage" in the response is "two"
    And "volume.metadata.purpose" in the response is absent
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.updated_at" in the response matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$"
    And "volume.name" in the response is "{prefix}-renamed"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response status is 202
    And the response has no body
    When I wait until the volume "{volume_id}" is gone within 60 seconds
    And I send GET "/volumes/{volume_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume {volume_id} could not be found\.$"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume {volume_id} could not be found\.$"

  @id:f37119fe-963c-4a4d-bed9-7324213731fb @requires:block-storage>=3.65
  Scenario: A volume's fields follow the microversion
    Given an available volume of 1 GB remembered as "volume_id"
    When I send GET "/volumes/{volume_id}" to the block-storage service at microversion "3.13"
    Then the response is 200 matching the volume schema "volume"
    And "volume.group_id" in the response is null
    And "volume.shared_targets" in the response is absent
    When I send GET "/volumes/{volume_id}" to the block-storage service at microversion "3.48"
    Then the response is 200 matching the volume schema "volume"
    And "volume.shared_targets" in the response matches "^(true|false)$"
    And "volume.volume_type_id" in the response is absent
    When I send GET "/volumes/{volume_id}" to the block-storage service at microversion "3.63"
    Then the response is 200 matching the volume schema "volume"
    And "volume.volume_type_id" in the response matches "^[0-9a-f-]{36}$"
    And "volume.consumes_quota" in the response is absent
    When I send GET "/volumes/{volume_id}" to the block-storage service at microversion "3.65"
    Then the response is 200 matching the volume schema "volume"
    And "volume.consumes_quota" in the response is true
    And "volume.os-vol-host-attr:host" in the response is absent

  @id:ef92f1c7-eb82-492b-86c2-c6d9a0cff49a
  Scenario: List gives id, name and links; detail gives whole volumes; filters select by name, status and metadata
    Given an available volume of 1 GB remembered as "first_id"
    And an available volume of 1 GB remembered as "second_id"
    When I send PUT "/volumes/{second_id}/metadata" to the block-storage service with:
      """
      {"metadata": {"colour": "blue"}}
      """
    Then the response is 200 matching the volume schema "metadata"
    When I send GET "/volumes" to the block-storage service
    Then the response is 200 matching the volume schema "volume-list"
    And every item of the list "volumes" in the response has exactly the fields "id, name, links"
    And the list "volumes" in the response contains an item whose "id" is "{first_id}"
    And the list "volumes" in the response contains an item whose "id" is "{second_id}"
    When I send GET "/volumes/detail?name={prefix}-first_id" to the block-storage service
    Then the response is 200 matching the volume schema "volume-list-detail"
    And "volumes" in the response has 1 item
    And "volumes[0].id" in the response is "{first_id}"
    When I send GET "/volumes/detail?status=available" to the block-storage service
    Then every item of the list "volumes" in the response has "status" equal to "available"
    And the list "volumes" in the response contains an item whose "id" is "{second_id}"
    When I send GET "/volumes/detail?metadata=%7B%22colour%22%3A%20%22blue%22%7D" to the block-storage service
    Then "volumes" in the response has 1 item
    And "volumes[0].id" in the response is "{second_id}"
    When I send GET "/volumes?sort=name:asc&name={prefix}-second_id" to the block-storage service
    Then "volumes" in the response has 1 item

  @id:f843b8d5-5a77-4d7a-bde7-27ed6d941f3f @requires:block-storage>=3.45
  Scenario: Listing pages with volumes_links, and with_count counts every match
    Given an available volume of 1 GB remembered as "page_a"
    And an available volume of 1 GB remembered as "page_b"
    When I send GET "/volumes?limit=1" to the block-storage service
    Then the response is 200 matching the volume schema "volume-list"
    And "volumes" in the response has 1 item
    And "volumes[0].id" in the response is "{page_b}"
    And "volumes_links[0].rel" in the response is "next"
    And "volumes_links[0].href" in the response matches "/volumes\?limit=1&marker=[0-9a-f-]{36}$"
    And I remember "volumes[0].id" from the response as "first_seen"
    When I send GET "/volumes/detail?limit=1" to the block-storage service
    Then the response is 200 matching the volume schema "volume-list-detail"
    And "volumes_links[0].href" in the response matches "/volumes/detail\?limit=1&marker={first_seen}$"
    When I send GET "/volumes?limit=1&marker={first_seen}" to the block-storage service
    Then "volumes" in the response has 1 item
    And the list "volumes" in the response does not contain an item whose "id" is "{first_seen}"
    When I send GET "/volumes?with_count=true&limit=1" to the block-storage service at microversion "3.45"
    Then the response is 200 matching the volume schema "volume-list"
    And "count" in the response is greater than "1"
    And "volumes" in the response has 1 item

  @id:365cbc08-6655-4083-88d6-fa53ae212fdd
  Scenario: Metadata is listed, merged, replaced, read and deleted item by item
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/metadata" to the block-storage service with:
      """
      {"metadata": {"a": "1", "b": "2"}}
      """
    Then the response is 200 matching the volume schema "metadata"
    When I send POST "/volumes/{volume_id}/metadata" to the block-storage service with:
      """
      {"metadata": {"c": "3"}}
      """
    Then "metadata.a" in the response is "1"
    And "metadata.c" in the response is "3"
    When I send GET "/volumes/{volume_id}/metadata/c" to the block-storage service
    Then the response is 200 matching the volume schema "metadata-item"
    And "meta.c" in the response is "3"
    When I send PUT "/volumes/{volume_id}/metadata/c" to the block-storage service with:
      """
      {"meta": {"c": "three"}}
      """
    Then the response is 200 matching the volume schema "metadata-item"
    And "meta.c" in the response is "three"
    When I send DELETE "/volumes/{volume_id}/metadata/a" to the block-storage service
    Then the response status is 200
    And the response has no body
    When I send GET "/volumes/{volume_id}/metadata/a" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume {volume_id} has no metadata with key a\.$"
    When I send PUT "/volumes/{volume_id}/metadata" to the block-storage service with:
      """
      {"metadata": {"only": "this"}}
      """
    Then the response is 200 matching the volume schema "metadata"
    When I send GET "/volumes/{volume_id}/metadata" to the block-storage service
    Then the response is 200 matching the volume schema "metadata"
    And "metadata.only" in the response is "this"
    And "metadata.b" in the response is absent
    And "metadata.c" in the response is absent

  @id:be1a8f87-8aef-4971-b981-c2be0b57189d
  Scenario: Another project's volume is not found, listed or deleted
    Given an available volume of 1 GB remembered as "volume_id"
    Given I am a member of the other project
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume {volume_id} could not be found\.$"
    When I send GET "/volumes/detail?all_tenants=1" to the block-storage service
    Then the response is 200 matching the volume schema "volume-list-detail"
    And the list "volumes" in the response does not contain an item whose "id" is "{volume_id}"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume {volume_id} could not be found\.$"
    Given I am a member of my project
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then the response is 200 matching the volume schema "volume"
    And "volume.status" in the response is "available"

  @id:006e24ff-3377-4de3-835e-e9089651bec4 @admin
  Scenario: An admin lists every project's volumes with all_tenants and sees the admin-only fields
    Given an available volume of 1 GB remembered as "volume_id"
    Given I am the cloud admin
    When I send GET "/volumes/detail?all_tenants=1&name={prefix}-volume_id" to the block-storage service
    Then the response is 200 matching the volume schema "volume-list-detail"
    And "volumes" in the response has 1 item
    And "volumes[0].os-vol-tenant-attr:tenant_id" in the response is "{project_id}"
    And "volumes[0].os-vol-host-attr:host" in the response matches "."

  @id:b6c5a668-941f-4249-a86e-66f2ed69a478 @requires:block-storage>=3.67
  Scenario: From 3.67 the project id may be left out of the URL
    Given an available volume of 1 GB remembered as "volume_id"
    When I send GET "/volumes/{volume_id}" to the block-storage service without a project id at microversion "3.67"
    Then the response is 200 matching the volume schema "volume"
    And "volume.id" in the response is "{volume_id}"
    When I send GET "/volumes" to the block-storage service without a project id at microversion "3.67"
    Then the response is 200 matching the volume schema "volume-list"
    And the list "volumes" in the response contains an item whose "id" is "{volume_id}"

  @id:bb9ffc45-bf5f-4f62-a0da-dd24d6e4a95b
  Scenario: A reader of the project sees its volumes
    Given an available volume of 1 GB remembered as "volume_id"
    Given I am a reader of my project
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then the response is 200 matching the volume schema "volume"
    When I send GET "/volumes/detail" to the block-storage service
    Then the list "volumes" in the response contains an item whose "id" is "{volume_id}"

  @id:a863974a-6b79-4c85-98b4-23a5a10fa9c4 @requires:block-storage>=3.36
  Scenario: The volume summary counts the project's volumes and sizes from 3.12, with metadata from 3.36
    Given an available volume of 1 GB remembered as "small_id"
    And an available volume of 2 GB remembered as "big_id"
    When I send POST "/volumes/{big_id}/metadata" to the block-storage service with:
      """
      {"metadata": {"tier": "gold"}}
      """
    Then the response status is 200
    When I send GET "/volumes/summary" to the block-storage service at microversion "3.12"
    Then the response status is 200
    And "volume-summary.total_count" in the response is "2"
    And "volume-summary.total_size" in the response is "3"
    And "volume-summary.metadata" in the response is absent
    When I send GET "/volumes/summary" to the block-storage service at microversion "3.36"
    Then "volume-summary.metadata.tier[0]" in the response is "gold"
    When I send GET "/volumes/summary" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^The resource could not be found\.$"
