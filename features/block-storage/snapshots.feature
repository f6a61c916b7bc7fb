@block-storage @requires:block-storage
Feature: Snapshots, and volumes made from snapshots, other volumes and images
  A snapshot of an available volume is created (202, "creating"), becomes available, has
  metadata and is deleted; a volume with snapshots cannot be deleted (400); a volume can be made
  from a snapshot or another volume, never smaller than its source (400); a volume made from an
  image becomes bootable and carries the image's metadata.

  Background:
    Given I am a member of my project

  @id:6eb3f29e-e3bc-4ae3-9596-86273926fd62 @smoke
  Scenario: A snapshot is created, listed, updated, given metadata and deleted
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"volume_id": "{volume_id}", "name": "{prefix}-snap", "description": "conformance", "metadata": {"sk": "sv"}}}
      """
    Then the response is 202 matching the volume schema "snapshot"
    And "snapshot.status" in the response is "creating"
    And "snapshot.volume_id" in the response is "{volume_id}"
    And "snapshot.size" in the response is "1"
    And I remember "snapshot.id" from the response as "snapshot_id"
    When I wait until the snapshot "{snapshot_id}" is "available" within 60 seconds
    And I send GET "/snapshots/{snapshot_id}" to the block-storage service
    Then the response is 200 matching the volume schema "snapshot"
    And "snapshot.metadata.sk" in the response is "sv"
    And "snapshot.os-extended-snapshot-attributes:project_id" in the response is "{project_id}"
    And "snapshot.os-extended-snapshot-attributes:progress" in the response is "100%"
    When I send GET "/snapshots/detail" to the block-storage service
    Then the response is 200 matching the volume schema "snapshot-list"
    And the list "snapshots" in the response contains an item whose "id" is "{snapshot_id}"
    When I send GET "/snapshots/detail" to the block-storage service at microversion "3.41"
    Then the response is 200 matching the volume schema "snapshot-list"
    And the list "snapshots" in the response contains an item with:
      """
      {"id": "{snapshot_id}", "user_id": "{member_user_id}"}
      """
    When I send GET "/snapshots" to the block-storage service at microversion "3.41"
    Then the response is 200 matching the volume schema "snapshot-summary-list"
    And the list "snapshots" in the response contains an item whose "id" is "{snapshot_id}"
    When I send PUT "/snapshots/{snapshot_id}" to the block-storage service with:
      """
      {"snapshot": {"name": "{prefix}-snap2", "description": "changed"}}
      """
    Then the response is 200 matching the volume schema "snapshot"
    And "snapshot.name" in the response is "{prefix}-snap2"
    When I send POST "/snapshots/{snapshot_id}/metadata" to the block-storage service with:
      """
      {"metadata": {"more": "yes"}}
      """
    Then the response is 200 matching the volume schema "metadata"
    And "metadata.sk" in the response is "sv"
    And "metadata.more" in the response is "yes"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots"
    When I send DELETE "/snapshots/{snapshot_id}" to the block-storage service
    Then the response status is 202
    And the response has no body
    When I wait until the snapshot "{snapshot_id}" is gone within 60 seconds
    And I send GET "/snapshots/{snapshot_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Snapshot {snapshot_id} could not be found\.$"
    When I send DELETE "/volumes/{volume_id}" to the block-storage service
    Then the response status is 202

  @id:6c8ca48e-0bac-447d-b61b-ce10188ac5c2
  Scenario: A snapshot of an unknown volume is 404, and bad snapshot bodies are 400
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"volume_id": "00000000-0000-0000-0000-000000000000", "name": "{prefix}-nosnap"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume 00000000-0000-0000-0000-000000000000 could not be found\.$"
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"name": "{prefix}-nosnap"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute snapshot\. Value: \{'name': '{prefix}-nosnap'\}\. 'volume_id' is a required property$"
    When I send GET "/snapshots/00000000-0000-0000-0000-000000000000" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Snapshot 00000000-0000-0000-0000-000000000000 could not be found\.$"

  @id:453654ec-071e-4a0c-8d5d-7dcc37041a9f
  Scenario: A volume is made from a snapshot and from another volume, at least as big as its source
    Given an available volume of 2 GB remembered as "source_id"
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"volume_id": "{source_id}", "name": "{prefix}-src-snap"}}
      """
    Then the response status is 202
    And I remember "snapshot.id" from the response as "snapshot_id"
    When I wait until the snapshot "{snapshot_id}" is "available" within 60 seconds
    And I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"snapshot_id": "{snapshot_id}", "name": "{prefix}-from-snap"}}
      """
    Then the response is 202 matching the volume schema "volume"
    And "volume.snapshot_id" in the response is "{snapshot_id}"
    And "volume.size" in the response is "2"
    And I remember "volume.id" from the response as "from_snap_id"
    When I wait until the volume "{from_snap_id}" is "available" within 60 seconds
    Then "volume.snapshot_id" in the response is "{snapshot_id}"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"source_volid": "{source_id}", "size": 3, "name": "{prefix}-clone"}}
      """
    Then the response is 202 matching the volume schema "volume"
    And "volume.source_volid" in the response is "{source_id}"
    And I remember "volume.id" from the response as "clone_id"
    When I wait until the volume "{clone_id}" is "available" within 60 seconds
    Then "volume.size" in the response is "3"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"source_volid": "{source_id}", "size": 1, "name": "{prefix}-small-clone"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input received: Volume size '1'GB cannot be smaller than original volume size +2GB\. They must be >= original volume size\.$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"snapshot_id": "{snapshot_id}", "size": 1, "name": "{prefix}-small-from-snap"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input received: Volume size '1'GB cannot be smaller than the snapshot size 2GB\. They must be >= original snapshot size\.$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"snapshot_id": "00000000-0000-0000-0000-000000000000", "name": "{prefix}-no-snap"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Snapshot 00000000-0000-0000-0000-000000000000 could not be found\.$"
    When I send GET "/volumes?name={prefix}-small-clone" to the block-storage service
    Then "volumes" in the response has 0 items

  @id:eac6d193-cdc7-4120-a236-e9d142d45e2c @requires:image @requires:volume-feature:from-image
  Scenario: A volume made from an image becomes bootable and carries the image's metadata
    Given a flavor and an image to boot a server from
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "imageRef": "{image_id}", "name": "{prefix}-from-image"}}
      """
    Then the response is 202 matching the volume schema "volume"
    And I remember "volume.id" from the response as "volume_id"
    When I wait until the volume "{volume_id}" is "available" within 120 seconds
    And I send GET "/volumes/{volume_id}" to the block-storage service
    Then the response is 200 matching the volume schema "volume"
    And "volume.bootable" in the response is "true"
    And "volume.volume_image_metadata.image_id" in the response is "{image_id}"
    When I send POST "/volumes/{volume_id}/action" to the block-storage service with:
      """
      {"os-show_image_metadata": null}
      """
    Then the response status is 200
    And "metadata.image_id" in the response is "{image_id}"

  @id:16d550a6-4d18-4e3f-9a46-586ad03ac3cf @requires:image
  Scenario: A volume from an unknown image is refused with 400 and nothing is made
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "imageRef": "00000000-0000-0000-0000-000000000000", "name": "{prefix}-no-image"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid image identifier or unable to access requested image\.$"
    When I send GET "/volumes?name={prefix}-no-image" to the block-storage service
    Then "volumes" in the response has 0 items

  @id:dacf509a-0328-4622-a4d3-9748c91efaf9
  Scenario: A volume is deleted with its snapshots by a cascading delete, and another project sees neither
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"volume_id": "{volume_id}", "name": "{prefix}-cascade"}}
      """
    Then the response status is 202
    And I remember "snapshot.id" from the response as "snapshot_id"
    When I wait until the snapshot "{snapshot_id}" is "available" within 60 seconds
    Given I am a member of the other project
    When I send GET "/snapshots/{snapshot_id}" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Snapshot {snapshot_id} could not be found\.$"
    When I send GET "/snapshots" to the block-storage service
    Then the list "snapshots" in the response does not contain an item whose "id" is "{snapshot_id}"
    Given I am a member of my project
    When I send DELETE "/volumes/{volume_id}?cascade=true" to the block-storage service
    Then the response status is 202
    When I wait until the snapshot "{snapshot_id}" is gone within 60 seconds
    And I wait until the volume "{volume_id}" is gone within 60 seconds

  @id:fc41e54e-79ba-4379-bb9e-bb5eab1de3d6 @requires:block-storage>=3.66
  Scenario: A snapshot of an in-use volume needs force before 3.66, and from 3.66 refuses a false force
    Given an available volume of 1 GB remembered as "volume_id"
    When I send POST "/attachments" to the block-storage service at microversion "3.44" with:
      """
      {"attachment": {"volume_uuid": "{volume_id}", "instance_uuid": "11111111-2222-4333-8444-999999999999", "connector": {"initiator": "iqn.1993-08.org.debian:01:stackproof", "ip": "127.0.0.1", "platform": "x86_64", "host": "{prefix}-host", "os_type": "linux", "multipath": false, "mountpoint": "/dev/vdb"}}}
      """
    Then the response status is 200
    And I remember "attachment.id" from the response as "attachment_id"
    And the attachment "{attachment_id}" is deleted after the scenario
    When I send POST "/attachments/{attachment_id}/action" to the block-storage service at microversion "3.44" with:
      """
      {"os-complete": null}
      """
    Then the response status is 204
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"volume_id": "{volume_id}", "name": "{prefix}-in-use"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid volume: Volume {volume_id} status must be available, but current status is: in-use\.$"
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"volume_id": "{volume_id}", "name": "{prefix}-forced", "force": true}}
      """
    Then the response is 202 matching the volume schema "snapshot"
    And I remember "snapshot.id" from the response as "forced_id"
    When I wait until the snapshot "{forced_id}" is "available" within 60 seconds
    And I send POST "/snapshots" to the block-storage service at microversion "3.66" with:
      """
      {"snapshot": {"volume_id": "{volume_id}", "name": "{prefix}-not-forced", "force": false}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Since microversion 3\.66 the 'force' flag is invalid for this request\.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored\.$"
    When I send POST "/snapshots" to the block-storage service at microversion "3.66" with:
      """
      {"snapshot": {"volume_id": "{volume_id}", "name": "{prefix}-in-use-366"}}
      """
    Then the response is 202 matching the volume schema "snapshot"
    And I remember "snapshot.id" from the response as "plain_id"
    When I wait until the snapshot "{plain_id}" is "available" within 60 seconds
    And I send GET "/snapshots/detail?volume_id={volume_id}" to the block-storage service
    Then "snapshots" in the response has 2 items
