@image @requires:image @admin
Feature: Images
  A project member creates, reads, lists, updates (JSON patch) and deletes images; protected
  images refuse deletion; tags and custom properties are the image's own metadata.

  @id:5e451e69-35c7-4f0c-a9b0-608003722bf6 @smoke
  Scenario: A member creates, shows, lists, updates and deletes an image
    Given I am a member of my project
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-crud", "disk_format": "raw", "container_format": "bare", "min_ram": 64}
      """
    Then the response is 201 matching the schema "image/image"
    And the response header "Location" matches "/v2/images/[0-9a-f-]{36}$"
    And the response header "OpenStack-image-import-methods" matches "glance-direct"
    And "name" in the response is "{prefix}-crud"
    And "status" in the response is "queued"
    And "visibility" in the response is "shared"
    And "owner" in the response is "{project_id}"
    And "protected" in the response is false
    And "size" in the response is null
    And "checksum" in the response is null
    And "min_ram" in the response is "64"
    And "min_disk" in the response is "0"
    And I remember "id" from the response as "image_id"
    And "self" in the response is "/v2/images/{image_id}"
    And "file" in the response is "/v2/images/{image_id}/file"
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    And "name" in the response is "{prefix}-crud"
    When I send GET "/v2/images?name={prefix}-crud" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 1 item
    And "images[0].id" in the response is "{image_id}"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/name", "value": "{prefix}-crud2"}, {"op": "replace", "path": "/min_disk", "value": 2}]
      """
    Then the response is 200 matching the schema "image/image"
    And "name" in the response is "{prefix}-crud2"
    And "min_disk" in the response is "2"
    When I send DELETE "/v2/images/{image_id}" to the image service
    Then the response status is 204
    And the response has no body
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"
    And "code" in the response is "404 Not Found"

  @id:d424eed2-b0f8-4905-a2c9-e7f0d5849b49
  Scenario: PATCH without the JSON-patch media type is refused with 415 and Accept-Patch
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-415"}
      """
    When I send PATCH "/v2/images/{image_id}" to the image service with:
      """
      [{"op": "replace", "path": "/name", "value": "{prefix}-changed"}]
      """
    Then the response is 415 matching the schema "image/error"
    And the response header "Accept-Patch" matches "application/openstack-images-v2\.1-json-patch"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "name" in the response is "{prefix}-415"

  @id:e0c162db-28c7-405c-ac48-13c40dee1a8d
  Scenario: A protected image refuses deletion until it is unprotected
    Given I am a member of my project
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-protected", "protected": true}
      """
    Then the response is 201 matching the schema "image/image"
    And "protected" in the response is true
    And I remember "id" from the response as "image_id"
    When I send DELETE "/v2/images/{image_id}" to the image service
    Then the response is 403 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response status is 200
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/protected", "value": false}]
      """
    Then the response is 200 matching the schema "image/image"
    And "protected" in the response is false
    When I send DELETE "/v2/images/{image_id}" to the image service
    Then the response status is 204

  @id:6e8cea32-35b2-48a5-9ae6-973ec348f1e3
  Scenario: Tags are added and removed one by one
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-tags", "tags": ["first"]}
      """
    When I send PUT "/v2/images/{image_id}/tags/{prefix}-second" to the image service
    Then the response status is 204
    And the response has no body
    When I send PUT "/v2/images/{image_id}/tags/{prefix}-second" to the image service
    Then the response status is 204
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    And "tags" in the response has 2 items
    And the list "tags" in the response contains "first"
    And the list "tags" in the response contains "{prefix}-second"
    When I send DELETE "/v2/images/{image_id}/tags/first" to the image service
    Then the response status is 204
    When I send GET "/v2/images/{image_id}" to the image service
    Then the list "tags" in the response does not contain "first"
    And the list "tags" in the response contains "{prefix}-second"
    When I send DELETE "/v2/images/{image_id}/tags/first" to the image service
    Then the response is 404 matching the schema "image/error"

  @id:b1ee2d59-7bc7-4eda-89b9-240c28045d4f
  Scenario: Custom properties sit at the top level, and are added, replaced and removed by JSON patch
    Given I am a member of my project
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-props", "os_distro": "cirros", "stackproof_note": "hello"}
      """
    Then the response is 201 matching the schema "image/image"
    And "os_distro" in the response is "cirros"
    And "stackproof_note" in the response is "hello"
    And I remember "id" from the response as "image_id"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "add", "path": "/stackproof_other", "value": "x y z"},
       {"op": "replace", "path": "/os_distro", "value": "debian"},
       {"op": "remove", "path": "/stackproof_note"}]
      """
    Then the response is 200 matching the schema "image/image"
    And "stackproof_other" in the response is "x y z"
    And "os_distro" in the response is "debian"
    And "stackproof_note" in the response is absent
    When I send GET "/v2/images/{image_id}" to the image service
    Then "stackproof_other" in the response is "x y z"
    And "stackproof_note" in the response is absent

  @id:4b8f812d-2564-47fd-9ed0-61cad0e69902
  Scenario: A reader of the project sees its images
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-seen", "visibility": "private"}
      """
    Given I am a reader of my project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    When I send GET "/v2/images?name={prefix}-seen" to the image service
    Then "images" in the response has 1 item

  @id:9378c33b-24f1-4933-b18a-655814be3419
  Scenario: A tag given twice is stored once
    Given I am a member of my project
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-dup-tags", "tags": ["same", "same"]}
      """
    Then the response is 201 matching the schema "image/image"
    And "tags" in the response has 1 item
    And the list "tags" in the response contains "same"
