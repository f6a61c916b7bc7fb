@image @requires:image @admin
Feature: Image data
  Uploading data to a queued image makes it active with its size, MD5 checksum and SHA-512
  os_hash_value; downloads give back the same bytes, whole or by range; an image without data
  downloads as 204; a deactivated image cannot be downloaded by non-admins; interoperable
  import (glance-direct) stages the data and imports it after the API answers.

  @id:0c95c2b1-acdd-4e84-8434-412fb4021559 @smoke @requires:image>=2.7
  Scenario: Uploaded bytes come back unchanged, with their size, MD5 and SHA-512
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-data", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 1048583 bytes of generated data
    Then the response status is 204
    And the response has no body
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    And "status" in the response is "active"
    And "size" in the response is "{uploaded_size}"
    And "checksum" in the response is "{uploaded_md5}"
    And "os_hash_algo" in the response is "sha512"
    And "os_hash_value" in the response is "{uploaded_sha512}"
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response status is 200
    And the response header "Content-Type" matches "^application/octet-stream"
    And the response header "Content-MD5" matches "^{uploaded_md5}$"
    And the response header "Content-Length" matches "^{uploaded_size}$"
    And the response body is the uploaded data

  @id:e92e1db9-a425-4532-a672-f81c1f4278d5 @requires:image>=2.7
  Scenario: A multi-megabyte image round-trips intact, whole and across chunk boundaries
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-big", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 8388609 bytes of generated data
    Then the response status is 204
    When I send GET "/v2/images/{image_id}" to the image service
    Then "size" in the response is "8388609"
    And "checksum" in the response is "{uploaded_md5}"
    And "os_hash_value" in the response is "{uploaded_sha512}"
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response status is 200
    And the response body is the uploaded data
    When I send GET "/v2/images/{image_id}/file" to the image service with the header "Range" set to "bytes=65530-1048580"
    Then the response status is 206
    And the response header "Content-Range" matches "^bytes 65530-1048580/8388609$"
    And the response body is bytes 65530 to 1048580 of the uploaded data

  @id:1266fdc3-da17-4082-8a8b-8c372d4cc222
  Scenario: An image without data downloads as 204 No Content
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-empty"}
      """
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response status is 204
    And the response has no body

  @id:839c8802-8923-4db4-82fd-539bfcef4ba3
  Scenario: A range download answers 206 with Content-Range; an unsatisfiable range 416
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-range", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 1000 bytes of generated data
    Then the response status is 204
    When I send GET "/v2/images/{image_id}/file" to the image service with the header "Range" set to "bytes=10-19"
    Then the response status is 206
    And the response header "Content-Range" matches "^bytes 10-19/1000$"
    And the response header "Content-Length" matches "^10$"
    And the response body is bytes 10 to 19 of the uploaded data
    When I send GET "/v2/images/{image_id}/file" to the image service with the header "Range" set to "bytes=990-"
    Then the response status is 206
    And the response header "Content-Range" matches "^bytes 990-999/1000$"
    And the response body is bytes 990 to 999 of the uploaded data
    When I send GET "/v2/images/{image_id}/file" to the image service with the header "Range" set to "bytes=-10"
    Then the response status is 206
    And the response body is bytes 990 to 999 of the uploaded data
    When I send GET "/v2/images/{image_id}/file" to the image service with the header "Range" set to "bytes=2000-2010"
    Then the response is 416 matching the schema "image/error"

  @id:58218fef-1935-44da-9dee-f4df41c4bf57
  Scenario: Data cannot be uploaded again to an active image
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-twice", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 512 bytes of generated data
    Then the response status is 204
    When I send GET "/v2/images/{image_id}" to the image service
    Then I remember "checksum" from the response as "first_md5"
    When I send PUT "/v2/images/{image_id}/file" to the image service with 256 bytes of generated data
    Then the response is 409 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "checksum" in the response is "{first_md5}"
    And "size" in the response is "512"
    And "status" in the response is "active"

  @id:59bc79be-1942-46e1-8e3d-b45ace5c8017
  Scenario: Data must be sent as application/octet-stream
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-octet"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with the raw body "abc" as "application/json"
    Then the response is 415 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "status" in the response is "queued"

  @id:167a26cd-211a-4024-8553-0d747f2133e8
  Scenario: The admin deactivates an image, which members then cannot download, and reactivates it
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-deactivate", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 2048 bytes of generated data
    Then the response status is 204
    Given I am the cloud admin
    When I send POST "/v2/images/{image_id}/actions/deactivate" to the image service
    Then the response status is 204
    And the response has no body
    When I send GET "/v2/images/{image_id}" to the image service
    Then "status" in the response is "deactivated"
    Given I am a member of my project
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response is 403 matching the schema "image/error"
    Given I am the cloud admin
    When I send POST "/v2/images/{image_id}/actions/reactivate" to the image service
    Then the response status is 204
    Given I am a member of my project
    When I send GET "/v2/images/{image_id}" to the image service
    Then "status" in the response is "active"
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response status is 200
    And the response body is the uploaded data

  @id:6e36d61c-2e4b-4629-888b-c70e7e0ea43b
  Scenario: An image without data cannot be deactivated
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-queued-deactivate"}
      """
    Given I am the cloud admin
    When I send POST "/v2/images/{image_id}/actions/deactivate" to the image service
    Then the response is 403 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "status" in the response is "queued"

  @id:9fabd2aa-b578-4a41-baf8-fe39bc2b2654 @requires:image>=2.7
  Scenario: Interoperable import with glance-direct: stage, import, then active with the staged bytes
    Given I am a member of my project
    When I send GET "/v2/info/import" to the image service
    Then the list "import-methods.value" in the response contains "glance-direct"
    Given I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-import", "disk_format": "raw", "container_format": "bare"}
      """
    When I send POST "/v2/images/{image_id}/import" to the image service with:
      """
      {"method": {"name": "glance-direct"}}
      """
    Then the response is 409 matching the schema "image/error"
    When I send PUT "/v2/images/{image_id}/stage" to the image service with 65536 bytes of generated data
    Then the response status is 204
    When I send GET "/v2/images/{image_id}" to the image service
    Then "status" in the response is "uploading"
    When I send POST "/v2/images/{image_id}/import" to the image service with:
      """
      {"method": {"name": "glance-direct"}}
      """
    Then the response status is 202
    And the response has no body
    When I wait until the image "{image_id}" is "active"
    Then the response is 200 matching the schema "image/image"
    And "size" in the response is "{uploaded_size}"
    And "checksum" in the response is "{uploaded_md5}"
    And "os_hash_value" in the response is "{uploaded_sha512}"
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response status is 200
    And the response body is the uploaded data

  @id:e3a38f7e-5e1f-418b-b5ad-8133cfead351 @requires:image>=2.6
  Scenario: An unknown import method is refused with 400
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-import-bad"}
      """
    When I send POST "/v2/images/{image_id}/import" to the image service with:
      """
      {"method": {"name": "teleport"}}
      """
    Then the response is 400 matching the schema "image/error"

  @id:d5be5f68-6c94-4dda-8f17-52e072cbdb4d
  Scenario: Data cannot be stored before disk_format and container_format are set
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-no-format"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 128 bytes of generated data
    Then the response is 400 matching the schema "image/error"
    When I send GET "/v2/images/{image_id}" to the image service
    Then "status" in the response is "queued"
    And "size" in the response is null

  @id:5af361f5-2611-4c91-b9aa-ded2477571ae @requires:image>=2.7
  Scenario: An empty upload makes an active image of size 0 whose download is 200 and empty
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-zero", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{image_id}/file" to the image service with 0 bytes of generated data
    Then the response status is 204
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 200 matching the schema "image/image"
    And "status" in the response is "active"
    And "size" in the response is "0"
    And "checksum" in the response is "d41d8cd98f00b204e9800998ecf8427e"
    And "os_hash_value" in the response is "{uploaded_sha512}"
    When I send GET "/v2/images/{image_id}/file" to the image service
    Then the response status is 200
    And the response header "Content-MD5" matches "^d41d8cd98f00b204e9800998ecf8427e$"
    And the response body is the uploaded data

  @id:c59c6d4b-fb77-486b-a59e-c148583b60f4 @requires:image>=2.6
  Scenario: An image's status gates its data and its actions
    Given I am a member of my project
    And I create an image remembered as "image_id" with:
      """
      {"name": "{prefix}-states", "disk_format": "raw", "container_format": "bare"}
      """
    Given I am the cloud admin
    When I send POST "/v2/images/{image_id}/actions/reactivate" to the image service
    Then the response is 403 matching the schema "image/error"
    When I send POST "/v2/images/{image_id}/actions/explode" to the image service
    Then the response is 404 matching the schema "image/error"
    Given I am a member of my project
    When I send PUT "/v2/images/{image_id}/file" to the image service with 100 bytes of generated data
    Then the response status is 204
    When I send PUT "/v2/images/{image_id}/stage" to the image service with 100 bytes of generated data
    Then the response is 409 matching the schema "image/error"
    When I send POST "/v2/images/{image_id}/import" to the image service with:
      """
      {"method": {"name": "glance-direct"}}
      """
    Then the response is 409 matching the schema "image/error"
    Given I am the cloud admin
    When I send POST "/v2/images/{image_id}/actions/deactivate" to the image service
    Then the response status is 204
    Given I am a member of my project
    When I send PUT "/v2/images/{image_id}/file" to the image service with 100 bytes of generated data
    Then the response is 409 matching the schema "image/error"
    When I send DELETE "/v2/images/{image_id}" to the image service
    Then the response status is 204
    When I send GET "/v2/images/{image_id}" to the image service
    Then the response is 404 matching the schema "image/error"
