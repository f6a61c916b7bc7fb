@block-storage @requires:block-storage
Feature: Volume actions
  POST /volumes/{id}/action: os-extend grows an available volume (in use too from 3.42),
  os-set_bootable marks it bootable, os-set_image_metadata sets image properties; os-reset_status
  and os-force_delete belong to admins (a member gets 403); a bad or unknown action is a 400.

  Background:
    Given I am a member of my project

  @id:a2693116-0bff-4a1d-bc86-96d0af9b548e @requires:block-storage>=3.44
  Scenario: Below 3.42 an in-use volume cannot be extended
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/attachments" to the block-storage service at microversion "3.44" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-777777777777", "connector": {"initiator": "iqn.1993-08.org.debian:01:stackproof", "ip": "127.0.0.1", "platform": "x86_64", "host": "{prefix}-host", "os_type": "linux", "multipath": false, "mountpoint": "/dev/vdb"}}}
      """
    Then the response is 200 matching the volume schema "attachment"
    And I remember "attachment.id" from the response as "attachment_id"
    And the attachment "{attachment_id}" is deleted after the scenario
    When I send POST "/attachments/{attachment_id}/action" to the block-storage service at microversion "3.44" with:
      """
      {"os-complete": null}
      """
    Then the response status is 204
    When I send POST "/volumes/{volume_id}/action" to the block-storage service at microversion "3.41" with:
      """
      {"os-extend": {"new_size": 2}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid volume: Volume {volume_id} status must be '\{'status': 'available'\}' to extend, currently in-use\.$"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "in-use"
    And "volume.size" in the response is "1"

  @id:1e6dda35-912a-4163-8eb1-07173d2f25c5 @requires:compute>=2.37 @requires:block-storage>=3.42 @requires:volume-feature:extend-attached
  Scenario: From 3.42 a volume attached to a server is extended and stays in use
    Given a flavor and an image to boot a server from
    And an active server remembered as "server_id"
    And an available volume of 1 GB remembered as "volume_id"
    When I attach the volume "{volume_id}" to the server "{server_id}" through the compute service
    Then the response status is 200
    When I wait until the volume "{volume_id}" is "in-use" within 60 seconds
    And I send POST "/volumes/{volume_id}/action" to the block-storage service at microversion "3.42" with:
      """
      {"os-extend": {"new_size": 2}}
      """
    Then the response status is 202
    When I wait until the volume "{volume_id}" is "in-use" within 60 seconds
    Then "volume.size" in the response is "2"

  @id:21982c0d-fed2-460d-bf51-af52553ceb41 @requires:volume-feature:extend
  Scenario: An available volume is extended, and never to the same size
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-extend": {"new_size": 1}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input received: New size for extend must be greater than current size\. \(current: 1, extended: 1\)\.$"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-extend": {"new_size": 2}}
      """
    Then the response status is 202
    And the response has no body
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    Then "volume.size" in the response is "2"

  @id:56eaaeb9-ea35-4455-a089-f6d129015e4f
  Scenario: An extend is refused with 400 when the size is not an integer or the volume is not available
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-extend": {"new_size": "big"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute new_size\."
    When I send POST "/volumes/00000000-0000-0000-0000-000000000000/action" to the block-storage service with:
      """
      {"os-extend": {"new_size": 2}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume 00000000-0000-0000-0000-000000000000 could not be found\.$"

  @id:4be191bd-eb2d-4e99-9b11-b21775a54c5d
  Scenario: A volume is set bootable and back, and a non-boolean is refused
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-set_bootable": {"bootable": true}}
      """
    Then the response status is 200
    And the response has no body
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.bootable" in the response is "true"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-set_bootable": {"bootable": "false"}}
      """
    Then the response status is 200
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.bootable" in the response is "false"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-set_bootable": {"bootable": "maybe"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute bootable\. Value: maybe\. 'maybe' is not one of \[True, 'True'"

  @id:eb72a224-d1f4-4173-a2b4-f794d6807f89
  Scenario: Image metadata is set, shown in the volume and unset
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-set_image_metadata": {"metadata": {"hw_disk_bus": "scsi"}}}
      """
    Then the response status is 200
    And "metadata.hw_disk_bus" in the response is "scsi"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.volume_image_metadata.hw_disk_bus" in the response is "scsi"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-unset_image_metadata": {"key": "hw_disk_bus"}}
      """
    Then the response status is 200
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-unset_image_metadata": {"key": "hw_disk_bus"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Glance metadata for volume/snapshot {volume_id} cannot be found\.$"

  @id:f0ddbc5f-6328-4e9a-a914-4bd73ad8c9ea @admin
  Scenario: An admin resets a volume's status; a member may not
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-reset_status": {"status": "error"}}
      """
    Then the response is a 403 forbidden volume fault whose message matches "^Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed\.$"
    Given I am the cloud admin
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-reset_status": {"status": "sleeping"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Volume status: sleeping is invalid, valid statuses are: "
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-reset_status": {"status": "error"}}
      """
    Then the response status is 202
    And the response has no body
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "error"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-reset_status": {"status": "available"}}
      """
    Then the response status is 202
    Given I am a member of my project
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "available"

  @id:ea209eb3-b7fa-43dc-8baa-9023c34e1e81 @admin
  Scenario: An admin force-deletes a volume whatever its status; a member may not
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-force_delete": {}}
      """
    Then the response is a 403 forbidden volume fault whose message matches "^Policy doesn't allow volume_extension:volume_admin_actions:force_delete to be performed\.$"
    Given I am the cloud admin
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-reset_status": {"status": "creating"}}
      """
    Then the response status is 202
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-force_delete": {}}
      """
    Then the response status is 202
    When I wait until the volume "{volume_id}" is gone within 60 seconds
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume {volume_id} could not be found\.$"

  @id:53402a39-c380-4e26-96bd-ab1aff0f5f84
  Scenario: An unknown action, two actions at once and a malformed body are refused with 400
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-explode": null}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^There is no such action: os-explode\. Verify the request body and Content-Type header and try again\.$"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-set_bootable": {"bootable": true}, "os-extend": {"new_size": 2}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Malformed request body$"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with the raw body "{\"os-extend\": " as "application/json"
    Then the response is a 400 badRequest volume fault whose message matches "^Malformed request body$"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.size" in the response is "1"
    And "volume.bootable" in the response is "false"

  @id:59212723-79af-4005-89bc-f8a84627b4a6 @requires:image @requires:volume-feature:upload-image
  Scenario: A volume is uploaded to the image service as a new image
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-volume_upload_image": {"image_name": "{prefix}-uploaded", "force": false, "disk_format": "raw", "container_format": "bare"}}
      """
    Then the response is 202 matching the volume schema "upload-image"
    And "os-volume_upload_image.status" in the response is "uploading"
    And "os-volume_upload_image.image_name" in the response is "{prefix}-uploaded"
    And I remember "os-volume_upload_image.image_id" from the response as "image_id"
    And the image resource "/v2/images/{image_id}" is deleted after the scenario
    When I wait until the volume "{volume_id}" is "available" within 120 seconds
    And I send GET "/v2/images/{image_id}" to the image service
    Then the response status is 200
    And "status" in the response is "active"
    And "name" in the response is "{prefix}-uploaded"
    And "disk_format" in the response is "raw"
