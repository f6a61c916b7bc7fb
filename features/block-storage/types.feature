@block-storage @requires:block-storage
Feature: Volume types and availability zones
  Admins create volume types (200), public or private with per-project access, with extra specs
  that members do not see; a member cannot create one (403); a private type is not found by a
  project without access; a type in use cannot be deleted. Volumes are made in a listed
  availability zone; an unknown zone is a 400.

  @id:36f4da90-9343-47ec-9e9d-06709937d9d2 @admin @smoke
  Scenario: An admin creates a public type with extra specs; a member uses it but sees no extra specs
    Given I am the cloud admin
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": "{prefix}-gold", "description": "conformance", "extra_specs": {"custom:key": "v1"}}}
      """
    Then the response is 200 matching the volume schema "type"
    And "volume_type.is_public" in the response is true
    And "volume_type.os-volume-type-access:is_public" in the response is true
    And "volume_type.extra_specs.custom:key" in the response is "v1"
    And I remember "volume_type.id" from the response as "type_id"
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": "{prefix}-gold"}}
      """
    Then the response is a 409 conflictingRequest volume fault whose message matches "^Volume Type {prefix}-gold already exists\.$"
    When I send POST "/types/{type_id}/extra_specs" to the block-storage service with:
      """
      {"extra_specs": {"other:key": "x"}}
      """
    Then the response is 200 matching the volume schema "extra-specs"
    And "extra_specs.other:key" in the response is "x"
    When I send GET "/types/{type_id}/extra_specs/other:key" to the block-storage service
    Then the response status is 200
    And "other:key" in the response is "x"
    When I send PUT "/types/{type_id}/extra_specs/other:key" to the block-storage service with:
      """
      {"other:key": "y"}
      """
    Then the response status is 200
    And "other:key" in the response is "y"
    When I send DELETE "/types/{type_id}/extra_specs/other:key" to the block-storage service
    Then the response status is 202
    When I send GET "/types/{type_id}/extra_specs/other:key" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume Type {type_id} has no extra specs with key other:key\.$"
    When I send PUT "/types/{type_id}" to the block-storage service with:
      """
      {"volume_type": {"description": "updated"}}
      """
    Then the response is 200 matching the volume schema "type"
    And "volume_type.description" in the response is "updated"
    And "volume_type.name" in the response is "{prefix}-gold"
    And "volume_type.os-volume-type-access:is_public" in the response is absent
    Given I am a member of my project
    When I send GET "/types" to the block-storage service
    Then the response is 200 matching the volume schema "type-list"
    And the list "volume_types" in the response contains an item whose "id" is "{type_id}"
    When I send GET "/types/{type_id}/extra_specs" to the block-storage service
    Then the response is 200 matching the volume schema "extra-specs"
    And "extra_specs.custom:key" in the response is absent
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-typed", "volume_type": "{prefix}-gold"}}
      """
    Then the response is 202 matching the volume schema "volume"
    And "volume.volume_type" in the response is "{prefix}-gold"
    And I remember "volume.id" from the response as "volume_id"
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    Given I am the cloud admin
    When I send DELETE "/types/{type_id}" to the block-storage service
    Then the response is a 400 badRequest volume fault whose message matches "^Target volume type is still in use\.$"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response status is 202
    When I wait until the volume "{volume_id}" is gone within 60 seconds
    And I send DELETE "/types/{type_id}" to the block-storage service
    Then the response status is 202
    When I send GET "/types/{type_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume type {type_id} could not be found\.$"

  @id:3936af0d-c4a2-4b82-9880-76ecb7072936 @admin
  Scenario: A private type is found only by projects given access
    Given I am the cloud admin
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": "{prefix}-private", "os-volume-type-access:is_public": false}}
      """
    Then the response is 200 matching the volume schema "type"
    And "volume_type.is_public" in the response is false
    And I remember "volume_type.id" from the response as "type_id"
    When I send POST "/types/{type_id}/action" to the block-storage service with:
      """
      {"addProjectAccess": {"project": "{project_id}"}}
      """
    Then the response status is 202
    And the response has no body
    When I send POST "/types/{type_id}/action" to the block-storage service with:
      """
      {"addProjectAccess": {"project": "{project_id}"}}
      """
    Then the response is a 409 conflictingRequest volume fault whose message matches "^Volume type access for {type_id} / {project_id} combination already exists\.$"
    When I send GET "/types/{type_id}/os-volume-type-access" to the block-storage service
    Then the response is 200 matching the volume schema "type-access"
    And the list "volume_type_access" in the response contains an item with:
      """
      {"volume_type_id": "{type_id}", "project_id": "{project_id}"}
      """
    When I send GET "/types" to the block-storage service
    Then the list "volume_types" in the response does not contain an item whose "id" is "{type_id}"
    When I send GET "/types?is_public=None" to the block-storage service
    Then the list "volume_types" in the response contains an item whose "id" is "{type_id}"
    Given I am a member of my project
    When I send GET "/types/{type_id}" to the block-storage service
    Then the response is 200 matching the volume schema "type"
    Given I am a member of the other project
    When I send GET "/types/{type_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume type {type_id} could not be found\.$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-no-access", "volume_type": "{type_id}"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume type {type_id} could not be found\.$"
    When I send GET "/types" to the block-storage service
    Then the list "volume_types" in the response does not contain an item whose "id" is "{type_id}"
    Given I am the cloud admin
    When I send POST "/types/{type_id}/action" to the block-storage service with:
      """
      {"removeProjectAccess": {"project": "{project_id}"}}
      """
    Then the response status is 202
    Given I am a member of my project
    When I send GET "/types/{type_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume type {type_id} could not be found\.$"

  @id:61380833-b9be-4576-8fbe-0a4098657a9d
  Scenario: A member may not create a type, and unknown types are 404
    Given I am a member of my project
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": "{prefix}-by-member"}}
      """
    Then the response is a 403 forbidden volume fault whose message matches "^Policy doesn't allow volume_extension:type_create to be performed\.$"
    When I send GET "/types/00000000-0000-0000-0000-000000000000" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume type 00000000-0000-0000-0000-000000000000 could not be found\.$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-no-type", "volume_type": "{prefix}-nope"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume type with name {prefix}-nope could not be found\.$"
    When I send GET "/types/default" to the block-storage service
    Then the response is 200 matching the volume schema "type"
    And "volume_type.os-volume-type-access:is_public" in the response is absent

  @id:916067cf-0496-48d1-b6e6-b9358e601dfd @admin
  Scenario: A type's name must not be empty, and a public type has no access list
    Given I am the cloud admin
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": ""}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute name\. Value: \. '' is too short$"
    When I send GET "/types/default" to the block-storage service
    Then I remember "volume_type.id" from the response as "default_type_id"
    When I send GET "/types/{default_type_id}/os-volume-type-access" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Access list not available for public volume types\.$"

  @id:4c04fffb-5167-4537-bdc2-1f939b57be9c
  Scenario: Volumes are made in a listed availability zone, and an unknown zone is refused
    Given I am a member of my project
    When I send GET "/os-availability-zone" to the block-storage service
    Then the response is 200 matching the volume schema "availability-zone-list"
    And I remember "availabilityZoneInfo[0].zoneName" from the response as "zone"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-zoned", "availability_zone": "{zone}"}}
      """
    Then the response is 202 matching the volume schema "volume"
    And I remember "volume.id" from the response as "volume_id"
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    Then "volume.availability_zone" in the response is "{zone}"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-nowhere", "availability_zone": "{prefix}-nowhere"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Availability zone '{prefix}-nowhere' is invalid\.$"
    When I send GET "/volumes?name={prefix}-nowhere" to the block-storage service
    Then "volumes" in the response has 0 items

  @id:0238117f-6f73-4a8c-9d28-53144c2089ec @admin
  Scenario: A volume is retyped to another type, never to its own, and an unknown type is 404
    Given I am the cloud admin
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": "{prefix}-silver"}}
      """
    Then the response status is 200
    Given I am a member of my project
    And an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-retype": {"new_type": "{prefix}-silver", "migration_policy": "never"}}
      """
    Then the response status is 202
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    Then "volume.volume_type" in the response is "{prefix}-silver"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-retype": {"new_type": "{prefix}-silver"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change\.$"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-retype": {"new_type": "{prefix}-nope"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume type with name {prefix}-nope could not be found\.$"

  @id:93df51e8-a8a8-45ac-852e-c964bc9f6629 @admin @requires:block-storage>=3.44 @requires:volume-feature:multiattach
  Scenario: A volume of a multiattach type in use takes a second attachment
    Given I am the cloud admin
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": "{prefix}-multi", "extra_specs": {"multiattach": "<is> True"}}}
      """
    Then the response status is 200
    Given I am a member of my project
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-shared", "volume_type": "{prefix}-multi"}}
      """
    Then the response status is 202
    And I remember "volume.id" from the response as "volume_id"
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    Then "volume.multiattach" in the response is true
    When I send POST "/attachments" to the block-storage service at microversion "3.44" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-888888888881", "connector": {"initiator": "iqn.1993-08.org.debian:01:stackproof", "ip": "127.0.0.1", "platform": "x86_64", "host": "{prefix}-host", "os_type": "linux", "multipath": false, "mountpoint": "/dev/vdb"}}}
      """
    Then the response is 200 matching the volume schema "attachment"
    And I remember "attachment.id" from the response as "first_attachment"
    And the attachment "{first_attachment}" is deleted after the scenario
    When I send POST "/attachments/{first_attachment}/action" to the block-storage service at microversion "3.44" with:
      """
      {"os-complete": null}
      """
    Then the response status is 204
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "in-use"
    When I send POST "/attachments" to the block-storage service at microversion "3.27" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-888888888882"}}
      """
    Then the response is 200 matching the volume schema "attachment"
    And I remember "attachment.id" from the response as "second_attachment"
    And the attachment "{second_attachment}" is deleted after the scenario
    When I send GET "/attachments?volume_id={volume_id}" to the block-storage service at microversion "3.27"
    Then "attachments" in the response has 2 items
    When I send DELETE "/attachments/{first_attachment}" to the block-storage service at microversion "3.27"
    Then the response status is 200
    And "attachments" in the response has 1 item
    When I send DELETE "/attachments/{second_attachment}" to the block-storage service at microversion "3.27"
    Then the response status is 200
    When I wait until the volume "{volume_id}" is "available" within 30 seconds
