@image @requires:image @admin
Feature: Image visibility and sharing between projects
  Private images are the owner's alone; shared images (the default) reach another project only
  once it is added as a member, listed by default only after it accepts; community images can
  be used by anyone but are not listed by default; only an admin may publish an image.

  @id:18d491e5-ae03-4926-a17d-084b2bdf19d5 @smoke
  Scenario: A private image is invisible to another project
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-private", "visibility": "private"}
      """
    Given I am a member of the other project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-private&member_status=all" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 0 items
    When I send DELETE "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/name", "value": "{prefix}-stolen"}]
      """
    Then the response is 404 matching the schema "image/error"
    Given I am a member of my project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response status is 200
    And "name" in the response is "{prefix}-private"
    When I send POST "/v2/images/{image_id}/members" to the image service with:
      """
      {"member": "{other_project_id}"}
      """
    Then the response is 403 matching the schema "image/error"

  @id:69133ba1-13e3-4075-8954-42de23735e25 @smoke
  Scenario: A shared image reaches another project once it is a member, and is listed once it accepts
    Given I am a member of my project
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-shared"}
      """
    Then the response is 201 matching the schema "image/image"
    And "visibility" in the response is "shared"
    And I remember "id" from the response as "image_id"
    Given I am a member of the other project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-shared&member_status=all" to the image service
    Then "images" in the response has 0 items
    Given I am a member of my project
    When I send POST "/v2/images/{image_id}/members" to the image service with:
      """
      {"member": "{other_project_id}"}
      """
    Then the response is 200 matching the schema "image/member"
    And "member_id" in the response is "{other_project_id}"
    And "image_id" in the response is "{image_id}"
    And "status" in the response is "pending"
    When I send GET "/v2/images/{image_id}/members" to the image service
    Then the response is 200 matching the schema "image/member-list"
    And "members" in the response has 1 item
    Given I am a member of the other project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    When I send GET "/v2/images?name={prefix}-shared" to the image service
    Then "images" in the response has 0 items
    When I send GET "/v2/images?name={prefix}-shared&member_status=pending" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 1 item
    When I send PUT "/v2/images/{image_id}/members/{other_project_id}" to the image service with:
      """
      {"status": "accepted"}
      """
    Then the response is 200 matching the schema "image/member"
    And "status" in the response is "accepted"
    When I send GET "/v2/images?name={prefix}-shared" to the image service
    Then "images" in the response has 1 item
    And "images[0].id" in the response is "{image_id}"
    When I send PUT "/v2/images/{image_id}/members/{other_project_id}" to the image service with:
      """
      {"status": "rejected"}
      """
    Then the response is 200 matching the schema "image/member"
    And "status" in the response is "rejected"
    When I send GET "/v2/images?name={prefix}-shared" to the image service
    Then "images" in the response has 0 items
    When I send GET "/v2/images?name={prefix}-shared&member_status=rejected" to the image service
    Then "images" in the response has 1 item

  @id:014fe476-dd89-4283-b156-56ed139700a8
  Scenario: Only the member decides its membership; only the owner changes the image or its members
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-roles"}
      """
    When I send POST "/v2/images/{image_id}/members" to the image service with:
      """
      {"member": "{other_project_id}"}
      """
    Then the response status is 200
    When I send POST "/v2/images/{image_id}/members" to the image service with:
      """
      {"member": "{other_project_id}"}
      """
    Then the response is 409 matching the schema "image/error"
    When I send PUT "/v2/images/{image_id}/members/{other_project_id}" to the image service with:
      """
      {"status": "accepted"}
      """
    Then the response is 403 matching the schema "image/error"
    Given I am a member of the other project
    When I send PUT "/v2/images/{image_id}/members/{other_project_id}" to the image service with:
      """
      {"status": "maybe"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/name", "value": "{prefix}-taken"}]
      """
    Then the response is 403 matching the schema "image/error"
    When I send POST "/v2/images/{image_id}/members" to the image service with:
      """
      {"member": "{project_id}"}
      """
    Then the response is 403 matching the schema "image/error"
    Given I am a member of my project
    When I send DELETE "/v2/images/{image_id}/members/{other_project_id}" to the image service
    Then the response status is 204
    When I send DELETE "/v2/images/{image_id}/members/{other_project_id}" to the image service
    Then the response is 404 matching the schema "image/error"
    Given I am a member of the other project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"

  @id:bec86ea4-40b2-49e4-b00c-627eab4cf513 @requires:image>=2.5
  Scenario: A community image is usable by another project but not in its default list
    Given I am a member of my project
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-community", "visibility": "community"}
      """
    Then the response is 201 matching the schema "image/image"
    And "visibility" in the response is "community"
    And I remember "id" from the response as "image_id"
    Given I am a member of the other project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    When I send GET "/v2/images?name={prefix}-community" to the image service
    Then "images" in the response has 0 items
    When I send GET "/v2/images?name={prefix}-community&visibility=community" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 1 item

  @id:659e9ee1-e766-4d6e-b3ee-3605c031c18f
  Scenario: A member may not publish an image; the admin may, and every project then lists it
    Given I am a member of my project
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-public-member", "visibility": "public"}
      """
    Then the response is 403 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-public-member" to the image service
    Then "images" in the response has 0 items
    Given I am the cloud admin
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-public-admin", "visibility": "public"}
      """
    Then the response is 201 matching the schema "image/image"
    And "visibility" in the response is "public"
    Given I am a member of the other project
    When I send GET "/v2/images?name={prefix}-public-admin" to the image service
    Then "images" in the response has 1 item

  @id:2abdd464-ef13-4691-8268-0f26b2c6d7df
  Scenario: A project that accepted a shared image downloads the same bytes, until the owner deletes it
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-shared-data", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 4096 bytes of generated data
    Then the response status is 204
    When I send POST "/v2/images/{image_id}/members" to the image service with:
      """
      {"member": "{other_project_id}"}
      """
    Then the response status is 200
    Given I am a member of the other project
    When I send PUT "/v2/images/{image_id}/members/{other_project_id}" to the image service with:
      """
      {"status": "accepted"}
      """
    Then the response status is 200
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response status is 200
    And the response body is the uploaded data
    When I send DELETE "/v2/images/{image_id}" to the image service
    Then the response is 403 matching the schema "image/error"
    Given I am a member of my project
    When I send DELETE "/v2/images/{image_id}" to the image service
    Then the response status is 204
    Given I am a member of the other project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-shared-data" to the image service
    Then "images" in the response has 0 items

  @id:ad633e4f-adc3-4040-a3ec-187329d13629
  Scenario: The admin sees every project's images and filters them by owner
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-owned", "visibility": "private"}
      """
    Given I am the cloud admin
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    And "owner" in the response is "{project_id}"
    When I send GET "/v2/images?owner={project_id}&name={prefix}-owned" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 1 item
    When I send GET "/v2/images?owner={other_project_id}&name={prefix}-owned" to the image service
    Then "images" in the response has 0 items

  @id:df643635-ce40-449a-ab50-b7d6e1b2b704
  Scenario: Making a shared image private takes it away from its members; a member may not publish it
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-unshare"}
      """
    When I send POST "/v2/images/{image_id}/members" to the image service with:
      """
      {"member": "{other_project_id}"}
      """
    Then the response status is 200
    Given I am a member of the other project
    When I send PUT "/v2/images/{image_id}/members/{other_project_id}" to the image service with:
      """
      {"status": "accepted"}
      """
    Then the response status is 200
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response status is 200
    Given I am a member of my project
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/visibility", "value": "public"}]
      """
    Then the response is 403 matching the schema "image/error"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/owner", "value": "{other_project_id}"}]
      """
    Then the response is 403 matching the schema "image/error"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/visibility", "value": "private"}]
      """
    Then the response is 200 matching the schema "image/image"
    And "visibility" in the response is "private"
    Given I am a member of the other project
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-unshare" to the image service
    Then "images" in the response has 0 items
