@image @requires:image @admin
Feature: Bad input to the image service
  Malformed JSON, wrong types, values outside the schema, read-only attributes, unknown ids and
  bad query parameters get a clear 4xx in Glance's error format, and change nothing.

  Background:
    Given I am a member of my project

  @id:e54f5182-0cde-470a-ab9a-35bf69b62804
  Scenario: Malformed JSON is refused with 400
    When I send POST "/v2/images" to the image service with the raw body "{\"name\": " as "application/json"
    Then the response is 400 matching the schema "image/error"
    And "code" in the response is "400 Bad Request"

  @id:516a8823-2553-454f-b2c6-b640a0fde1af
  Scenario: A name of the wrong type or longer than 255 characters is refused with 400
    When I send POST "/v2/images" to the image service with:
      """
      {"name": 5}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"}
      """
    Then the response is 400 matching the schema "image/error"

  @id:84da9005-4f58-421a-aa94-1a522fc34cbb
  Scenario: Attributes of the wrong type are refused with 400
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-type-protected", "protected": "yes"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-type-min-disk", "min_disk": "1"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-type-tags", "tags": "a"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-type-hidden", "os_hidden": "true"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-type-id", "id": "not-a-uuid"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-type-protected" to the image service
    Then "images" in the response has 0 items

  @id:246acb4a-e625-45aa-b731-ef663ec41ccd
  Scenario: Values outside the image schema are refused with 400
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-bad-format", "disk_format": "floppy"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-bad-visibility", "visibility": "everyone"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-bad-property", "stackproof_number": 5}
      """
    Then the response is 400 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-bad-min-ram", "min_ram": -1}
      """
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-bad-format" to the image service
    Then "images" in the response has 0 items

  @id:ff84b9dc-db3d-4ea3-84db-38eab9016eac
  Scenario: Read-only attributes cannot be set on create or by patch (403)
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-ro-status", "status": "active"}
      """
    Then the response is 403 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-ro-size", "size": 5}
      """
    Then the response is 403 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-ro-checksum", "checksum": "00000000000000000000000000000000"}
      """
    Then the response is 403 matching the schema "image/error"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-ro-self", "self": "/v2/images/elsewhere"}
      """
    Then the response is 403 matching the schema "image/error"
    Given I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-ro"}
      """
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/status", "value": "active"}]
      """
    Then the response is 403 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "status" in the response is "queued"

  @id:8c69946b-82fb-4f09-ae89-7dd7198c3db0
  Scenario: Hostile names are stored and returned verbatim
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-<script>alert(1)</script>'; DROP TABLE images;-- é ß 中文"}
      """
    Then the response is 201 matching the schema "image/image"
    And "name" in the response is "{prefix}-<script>alert(1)</script>'; DROP TABLE images;-- é ß 中文"
    And I remember "id" from the response as "image_id"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "name" in the response is "{prefix}-<script>alert(1)</script>'; DROP TABLE images;-- é ß 中文"
    When I send GET "/v2/images?name={prefix}-<script>alert(1)</script>'%3B DROP TABLE images%3B-- é ß 中文" to the image service
    Then "images" in the response has 1 item

  @id:e72ad30a-dbca-445b-b705-017cb1e788df
  Scenario: A name with 4-byte unicode characters is refused with 400
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-emoji-😀"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-emoji-😀" to the image service
    Then "images" in the response has 0 items

  @id:9e6c47b7-201f-43a6-ba18-79d50bea74a9
  Scenario: Bad JSON patches are refused and change nothing
    Given I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-patch"}
      """
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "frobnicate", "path": "/name", "value": "{prefix}-x"}]
      """
    Then the response is 400 matching the schema "image/error"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      {"name": "{prefix}-x"}
      """
    Then the response is 400 matching the schema "image/error"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "add", "path": "/stackproof_number", "value": 5}]
      """
    Then the response is 400 matching the schema "image/error"
    When I send PATCH "/v2/images/{image_id}" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "remove", "path": "/stackproof_missing"}]
      """
    Then the response is 409 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "name" in the response is "{prefix}-patch"
    And "stackproof_number" in the response is absent

  @id:31f63443-eeb8-4ee7-9cd1-a9a16ba741b1
  Scenario: Unknown image ids answer 404 in Glance's error format
    When I send GET "/v2/images/00000000-0000-0000-0000-000000000000" to the image service
    Then the response is 404 matching the schema "image/error"
    And "code" in the response is "404 Not Found"
    And "title" in the response is "Not Found"
    When I send GET "/v2/images/not-a-uuid" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send DELETE "/v2/images/00000000-0000-0000-0000-000000000000" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send PATCH "/v2/images/00000000-0000-0000-0000-000000000000" to the image service as "application/openstack-images-v2.1-json-patch" with:
      """
      [{"op": "replace", "path": "/name", "value": "x"}]
      """
    Then the response is 404 matching the schema "image/error"
    When I send GET "/v2/images/00000000-0000-0000-0000-000000000000/file" to the image service
    Then the response is 404 matching the schema "image/error"
    When I send GET "/v2/images/00000000-0000-0000-0000-000000000000/members" to the image service
    Then the response is 404 matching the schema "image/error"

  @id:25e16aaa-3aee-454d-9716-01e6e7899ba0
  Scenario: An id already in use is refused with 409
    Given I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-first"}
      """
    When I send POST "/v2/images" to the image service with:
      """
      {"id": "{image_id}", "name": "{prefix}-second"}
      """
    Then the response is 409 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "name" in the response is "{prefix}-first"

  @id:84e04203-785a-4c94-98f5-5b93f287fb02
  Scenario: Bad list parameters are refused with 400
    When I send GET "/v2/images?limit=-1" to the image service
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?limit=abc" to the image service
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?sort_key=nope" to the image service
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?sort_dir=sideways" to the image service
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?visibility=everyone" to the image service
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images?marker=00000000-0000-0000-0000-000000000000" to the image service
    Then the response is 400 matching the schema "image/error"
