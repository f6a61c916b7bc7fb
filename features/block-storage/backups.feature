@block-storage @requires:block-storage
Feature: Volume backups
  With a backup service, a backup of an available volume is created (202 with id, name and
  links), becomes available, is restored into a new volume and deleted. Without one (no
  cinder-backup service listed) these scenarios are skipped; listing and unknown ids work either way.

  @id:549d42f1-08ee-4c62-a87b-e6b8be510807 @requires:volume-backup
  Scenario: A backup is created, restored into a new volume and deleted
    Given I am a member of my project
    And an available volume of 1 GB remembered as "volume_id"
    When I send POST "/backups" to the block-storage service with:
      """
      {"backup": {"volume_id": "{volume_id}", "name": "{prefix}-backup", "description": "conformance"}}
      """
    Then the response is 202 matching the volume schema "backup"
    And "backup.name" in the response is "{prefix}-backup"
    And I remember "backup.id" from the response as "backup_id"
    When I wait until the backup "{backup_id}" is "available" within 120 seconds
    And I send GET "/backups/{backup_id}" to the block-storage service
    Then the response is 200 matching the volume schema "backup"
    And "backup.volume_id" in the response is "{volume_id}"
    And "backup.size" in the response is "1"
    When I send GET "/backups/detail" to the block-storage service
    Then the response is 200 matching the volume schema "backup-list"
    And the list "backups" in the response contains an item whose "id" is "{backup_id}"
    When I send POST "/backups/{backup_id}/restore" to the block-storage service with:
      """
      {"restore": {"name": "{prefix}-restored"}}
      """
    Then the response status is 202
    And "restore.backup_id" in the response is "{backup_id}"
    And I remember "restore.volume_id" from the response as "restored_id"
    When I wait until the volume "{restored_id}" is "available" within 120 seconds
    Then "volume.size" in the response is "1"
    When I wait until the backup "{backup_id}" is "available" within 60 seconds
    And I send DELETE "/backups/{backup_id}" to the block-storage service
    Then the response status is 202
    When I wait until the backup "{backup_id}" is gone within 120 seconds

  @id:a5b7f248-57b1-41cf-baa3-2028fceec36b
  Scenario: Backups are listed, and an unknown backup is 404
    Given I am a member of my project
    When I send GET "/backups" to the block-storage service
    Then the response is 200 matching the volume schema "backup-list"
    When I send GET "/backups/00000000-0000-0000-0000-000000000000" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Backup 00000000-0000-0000-0000-000000000000 could not be found\.$"
