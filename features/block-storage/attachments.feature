@block-storage @requires:block-storage
Feature: Attaching volumes to servers
  Nova's os-volume_attachments attaches a volume (it goes in-use with an attachment naming the
  server) and detaches it (available again); an attached volume cannot be deleted (400) and its
  Nova-owned attachment cannot be removed through Cinder (409). The attachments API (3.27+)
  reserves, connects, completes (3.44) and deletes attachments; a server booted from an image
  onto a volume that is deleted on termination takes its volume with it.

  Background:
    Given I am a member of my project

  @id:4cc0aed5-ee4d-4078-a227-7ed0e2b5f09a @smoke @requires:compute>=2.37
  Scenario: A volume attached through Nova is in use, cannot be deleted, and its attachment belongs to Nova
    Given a flavor and an image to boot a server from
    And an active server remembered as "server_id"
    And an available volume of 1 GB remembered as "volume_id"
    When I attach the volume "{volume_id}" to the server "{server_id}" through the compute service
    Then the response status is 200
    And "volumeAttachment.id" in the response is "{volume_id}"
    And "volumeAttachment.device" in the response matches "^/dev/"
    And "volumeAttachment.volumeId" in the response is "{volume_id}"
    And "volumeAttachment.serverId" in the response is "{server_id}"
    When I wait until the volume "{volume_id}" is "in-use" within 60 seconds
    Then the response is 200 matching the volume schema "volume"
    And the volume in the response is attached to the server "{server_id}"
    And I remember "volume.attachments[0].attachment_id" from the response as "attachment_id"
    When I send GET "/servers/{server_id}/os-volume_attachments" to the compute service
    Then the list "volumeAttachments" in the response contains an item whose "volumeId" is "{volume_id}"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached"
    When I send DELETE "/attachments/{attachment_id}" to the block-storage service at microversion "3.27"
    Then the response is a 409 conflictingRequest volume fault whose message matches "^ConflictNovaUsingAttachment: Detach volume from instance {server_id} using the Compute API$"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "in-use"

  @id:6f99d8dd-837e-4748-a59d-3911811aecd5 @requires:compute>=2.37 @requires:volume-feature:detach
  Scenario: A volume detached through Nova is available again with no attachment
    Given a flavor and an image to boot a server from
    And an active server remembered as "server_id"
    And an available volume of 1 GB remembered as "volume_id"
    When I attach the volume "{volume_id}" to the server "{server_id}" through the compute service
    Then the response status is 200
    When I wait until the volume "{volume_id}" is "in-use" within 60 seconds
    And I send DELETE "/servers/{server_id}/os-volume_attachments/{volume_id}" to the compute service
    Then the response status is 202
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    Then "volume.attachments" in the response has 0 items
    When I send GET "/servers/{server_id}/os-volume_attachments" to the compute service
    Then the list "volumeAttachments" in the response does not contain an item whose "volumeId" is "{volume_id}"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response status is 202

  @id:1c78dc8b-d202-43e2-b11c-e175eb367e06 @requires:block-storage>=3.44
  Scenario: The attachments API reserves, connects, completes and deletes an attachment
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/attachments" to the block-storage service at microversion "3.27" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-555555555555"}}
      """
    Then the response is 200 matching the volume schema "attachment"
    And "attachment.status" in the response is "reserved"
    And "attachment.attached_at" in the response is ""
    And "attachment.attach_mode" in the response is "null"
    And I remember "attachment.id" from the response as "attachment_id"
    And the attachment "{attachment_id}" is deleted after the scenario
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "reserved"
    When I send POST "/attachments" to the block-storage service at microversion "3.27" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-666666666666"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "status must be available or downloading to reserve, but the current status is reserved\.$"
    When I send PUT "/attachments/{attachment_id}" to the block-storage service at microversion "3.27" with:
      """
      {"attachment": {"connector": {"initiator": "iqn.1993-08.org.debian:01:stackproof", "ip": "127.0.0.1", "platform": "x86_64", "host": "{prefix}-host", "os_type": "linux", "multipath": false, "mountpoint": "/dev/vdb"}}}
      """
    Then the response is 200 matching the volume schema "attachment"
    And "attachment.connection_info.attachment_id" in the response is "{attachment_id}"
    And "attachment.connection_info.driver_volume_type" in the response matches "."
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "attaching"
    When I send POST "/attachments/{attachment_id}/action" to the block-storage service at microversion "3.44" with:
      """
      {"os-complete": null}
      """
    Then the response status is 204
    When I send GET "/attachments/{attachment_id}" to the block-storage service at microversion "3.27"
    Then the response is 200 matching the volume schema "attachment"
    And "attachment.status" in the response is "attached"
    And "attachment.attach_mode" in the response is "rw"
    And "attachment.attached_at" in the response matches "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "in-use"
    And "volume.attachments[0].attachment_id" in the response is "{attachment_id}"
    When I send GET "/attachments" to the block-storage service at microversion "3.27"
    Then the response is 200 matching the volume schema "attachment-list"
    And the list "attachments" in the response contains an item with:
      """
      {"id": "{attachment_id}", "status": "attached", "volume_id": "{volume_id}"}
      """
    When I send DELETE "/attachments/{attachment_id}" to the block-storage service at microversion "3.27"
    Then the response status is 200
    And "attachments" in the response has 0 items
    When I wait until the volume "{volume_id}" is "available" within 30 seconds
    Then "volume.attachments" in the response has 0 items
    When I send DELETE "/attachments/{attachment_id}" to the block-storage service at microversion "3.27"
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume attachment could not be found with filter: attachment_id = {attachment_id}\.$"
    When I send GET "/attachments/{attachment_id}" to the block-storage service at microversion "3.27"
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume attachment could not be found with filter: attachment_id = {attachment_id}\.$"

  @id:1f5055e0-316f-479f-9d3f-2d857791022a @requires:block-storage>=3.44
  Scenario: The attachments API does not exist below 3.27, completion not below 3.44, and needs a known volume; a reserved volume is not deleted or extended
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/attachments" to the block-storage service at microversion "3.26" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-555555555555"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^The resource could not be found\.$"
    When I send POST "/attachments" to the block-storage service at microversion "3.27" with:
      """
      {"attachment": {"volume_uuid": "00000000-0000-0000-0000-000000000000", "instance_uuid": "11111111-2222-4333-8444-555555555555"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume 00000000-0000-0000-0000-000000000000 could not be found\.$"
    When I send POST "/attachments" to the block-storage service at microversion "3.27" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-555555555555"}}
      """
    Then the response status is 200
    And I remember "attachment.id" from the response as "attachment_id"
    And the attachment "{attachment_id}" is deleted after the scenario
    When I send POST "/attachments/{attachment_id}/action" to the block-storage service at microversion "3.27" with:
      """
      {"os-complete": null}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^The resource could not be found\.$"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.status" in the response is "reserved"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer\.$"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-extend": {"new_size": 2}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid volume: Volume {volume_id} status must be '\{'status': 'available'\}' to extend, currently reserved\.$"

  @id:499d719b-a736-415b-a5dc-17457a41c094 @requires:compute>=2.37 @requires:image @requires:volume-feature:from-image
  Scenario: A server boots from a volume made from an image and takes the volume with it when deleted
    Given a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-bfv", "flavorRef": "{flavor_id}", "networks": "none", "block_device_mapping_v2": [{"boot_index": 0, "uuid": "{image_id}", "source_type": "image", "destination_type": "volume", "volume_size": 1, "delete_on_termination": true}]}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "server_id"
    When I wait until the server "{server_id}" has the status ACTIVE
    And I send GET "/servers/{server_id}/os-volume_attachments" to the compute service
    Then "volumeAttachments" in the response has 1 item
    And I remember "volumeAttachments[0].volumeId" from the response as "volume_id"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then the response is 200 matching the volume schema "volume"
    And "volume.status" in the response is "in-use"
    And "volume.bootable" in the response is "true"
    And the volume in the response is attached to the server "{server_id}"
    When I send DELETE "/servers/{server_id}" to the compute service
    Then the response status is 204
    When I wait until the server "{server_id}" is gone
    And I wait until the volume "{volume_id}" is gone within 60 seconds
