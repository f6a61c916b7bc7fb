@block-storage @requires:block-storage
Feature: Block storage quotas and limits
  A project reads its quotas (with usage when asked) and limits; admins change them; a create
  over the volumes, gigabytes, snapshots or per-type quota is refused with 413 overLimit and
  Cinder's sentence, and nothing is made. Quotas set here are reset after the scenario.

  @id:ee97b800-be00-4fc5-92aa-945cc449fa14 @smoke
  Scenario: A member reads its project's quotas, their usage and its limits
    Given the block-storage quota usage of "volumes" in my project is 0 within 30 seconds
    And I am a member of my project
    And an available volume of 1 GB remembered as "volume_id"
    When I send GET "/os-quota-sets/{project_id}" to the block-storage service
    Then the response is 200 matching the volume schema "quota-set"
    And "quota_set.id" in the response is "{project_id}"
    When I send GET "/os-quota-sets/{project_id}?usage=True" to the block-storage service
    Then the response is 200 matching the volume schema "quota-set-usage"
    And "quota_set.volumes.in_use" in the response is "1"
    And "quota_set.gigabytes.in_use" in the response is "1"
    When I send GET "/limits" to the block-storage service
    Then the response is 200 matching the volume schema "limits"
    And "limits.rate" in the response has 0 items
    And "limits.absolute.totalVolumesUsed" in the response is "1"
    And "limits.absolute.totalGigabytesUsed" in the response is "1"

  @id:5c3b55c5-a0ae-4ec5-a7da-cdaf956387d5
  Scenario: A member may neither change its quotas nor read another project's
    Given I am a member of my project
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes": 5}}
      """
    Then the response is a 403 forbidden volume fault whose message matches "^Policy doesn't allow volume_extension:quotas:update to be performed\.$"
    When I send GET "/os-quota-sets/{other_project_id}" to the block-storage service
    Then the response is a 403 forbidden volume fault whose message matches "^Policy doesn't allow volume_extension:quotas:show to be performed\.$"

  @id:559df864-f495-49d7-9384-659d815e86b2 @admin
  Scenario: Over the volumes and gigabytes quotas a create is refused with 413 and nothing is made
    Given the block-storage quota usage of "volumes" in my project is 0 within 30 seconds
    And the block-storage quota usage of "gigabytes" in my project is 0 within 30 seconds
    And I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes": 1, "gigabytes": 3}}
      """
    Then the response is 200 matching the volume schema "quota-set-update"
    And "quota_set.volumes" in the response is "1"
    And "quota_set.gigabytes" in the response is "3"
    Given I am a member of my project
    And an available volume of 1 GB remembered as "volume_id"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-one-more"}}
      """
    Then the response is a 413 overLimit volume fault whose message matches "^VolumeLimitExceeded: Maximum number of volumes allowed \(1\) exceeded for quota 'volumes'\.$"
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes": 5}}
      """
    Then the response status is 200
    Given I am a member of my project
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 3, "name": "{prefix}-too-big"}}
      """
    Then the response is a 413 overLimit volume fault whose message matches "^VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota\. Requested 3G, quota is 3G and 1G has been consumed\.$"
    When I send GET "/volumes?name={prefix}-too-big" to the block-storage service
    Then "volumes" in the response has 0 items
    When I send GET "/volumes?name={prefix}-one-more" to the block-storage service
    Then "volumes" in the response has 0 items
    When I send GET "/os-quota-sets/{project_id}?usage=True" to the block-storage service
    Then "quota_set.volumes.in_use" in the response is "1"
    And "quota_set.gigabytes.in_use" in the response is "1"

  @id:3bf392ed-d01a-40ce-b16d-c0db4b21e009 @admin
  Scenario: Over the snapshots quota a snapshot is refused with 413
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"snapshots": 0}}
      """
    Then the response status is 200
    Given I am a member of my project
    And an available volume of 1 GB remembered as "volume_id"
    When I send POST "/snapshots" to the block-storage service with:
      """
      {"snapshot": {"volume_id": "{volume_id}", "name": "{prefix}-over"}}
      """
    Then the response is a 413 overLimit volume fault whose message matches "^SnapshotLimitExceeded: Maximum number of snapshots allowed \(0\) exceeded$"
    When I send GET "/snapshots?name={prefix}-over" to the block-storage service
    Then "snapshots" in the response has 0 items

  @id:a835b707-2152-4928-9288-609343d3c0ab @admin
  Scenario: Over a per-type quota a create of that type is refused with 413
    Given I am the cloud admin
    When I send POST "/types" to the block-storage service with:
      """
      {"volume_type": {"name": "{prefix}-quota-type"}}
      """
    Then the response status is 200
    When I send GET "/os-quota-sets/{project_id}" to the block-storage service
    Then the quota "volumes_{prefix}-quota-type" in the response is "-1"
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes_{prefix}-quota-type": 0}}
      """
    Then the response is 200 matching the volume schema "quota-set-update"
    And the quota "volumes_{prefix}-quota-type" in the response is "0"
    Given I am a member of my project
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-typed-over", "volume_type": "{prefix}-quota-type"}}
      """
    Then the response is a 413 overLimit volume fault whose message matches "^VolumeLimitExceeded: Maximum number of volumes allowed \(0\) exceeded for quota 'volumes_{prefix}-quota-type'\.$"
    When I send GET "/volumes?name={prefix}-typed-over" to the block-storage service
    Then "volumes" in the response has 0 items

  @id:ac694df7-f1f3-4f6c-8c1b-f53b096b9b83 @admin
  Scenario: Bad quota updates are refused with 400, and a delete resets the defaults
    Given I am the cloud admin
    When I send GET "/os-quota-sets/{project_id}/defaults" to the block-storage service
    Then the response is 200 matching the volume schema "quota-set"
    And I remember "quota_set.volumes" from the response as "default_volumes"
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes": "many"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^volumes must be an integer"
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"floating_ips": 1}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input received: Bad key\(s\) in quota set: floating_ips$"
    Given the block-storage quota usage of "volumes" in my project is 0 within 30 seconds
    And I am a member of my project
    And an available volume of 1 GB remembered as "volume_id"
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes": 7}}
      """
    Then "quota_set.volumes" in the response is "7"
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes": 0}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Quota volumes limit must be equal or greater than existing resources\. Current usage is 1 and the requested limit is 0\.$"
    When I send GET "/os-quota-sets/{project_id}" to the block-storage service
    Then "quota_set.volumes" in the response is "7"
    When I send DELETE "/os-quota-sets/{project_id}" to the block-storage service
    Then the response status is 200
    When I send GET "/os-quota-sets/{project_id}" to the block-storage service
    Then "quota_set.volumes" in the response is "{default_volumes}"

  @id:2657287b-814d-410f-8ba4-1ed55e664abc @admin
  Scenario: Creates racing for the last volumes of a quota: exactly the quota is made, the rest are refused with 413
    Given the block-storage quota usage of "volumes" in my project is 0 within 30 seconds
    And I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"volumes": 2}}
      """
    Then the response status is 200
    Given I am a member of my project
    When I send POST "/volumes" to the block-storage service 6 times at once with:
      """
      {"volume": {"size": 1, "name": "{prefix}-race"}}
      """
    Then 2 of those answers are 202 and the others are 413 overLimit volume faults whose message matches "^VolumeLimitExceeded: Maximum number of volumes allowed \(2\) exceeded for quota 'volumes'\.$"
    When I wait until every volume those requests created is "available" within 60 seconds
    And I send GET "/volumes?name={prefix}-race" to the block-storage service
    Then "volumes" in the response has 2 items

  @id:d7e8fa23-4756-47c1-8307-ceef5278106a @admin
  Scenario: A volume bigger than the per-volume gigabytes limit is refused, whatever room is left
    Given I am the cloud admin
    When I send PUT "/os-quota-sets/{project_id}" to the block-storage service with:
      """
      {"quota_set": {"per_volume_gigabytes": 1}}
      """
    Then the response status is 200
    And "quota_set.per_volume_gigabytes" in the response is "1"
    Given I am a member of my project
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 2, "name": "{prefix}-too-large"}}
      """
    Then the response is a 413 overLimit volume fault whose message matches "^VolumeSizeExceedsLimit: Requested volume size 2G is larger than maximum allowed limit 1G\.$"
    When I send GET "/volumes?name={prefix}-too-large" to the block-storage service
    Then "volumes" in the response has 0 items
