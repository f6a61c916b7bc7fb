@image @requires:image @admin @quota
Feature: Image quotas
  With unified limits (use_keystone_limits) Glance counts images and stored bytes per project
  against the Keystone limits image_count_total and image_size_total (MiB), and refuses past
  them with 413; a target that does not enforce them (GET /v2/info/usage reports nothing)
  skips those scenarios with the reason. Per-image limits on tags and properties (128 each by
  default) always apply, also with 413.

  @id:245c7a75-291e-4159-993b-95a50bc9c49e
  Scenario: Past its image count limit a project cannot create another image (413)
    Given the image service enforces unified limits
    And my project's image limit "image_count_total" is 1
    And I am a member of my project
    When I send GET "/v2/info/usage" to the image service
    Then the response is 200 matching the schema "image/usage"
    And "usage.image_count_total.limit" in the response is "1"
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-quota-1"}
      """
    Then the response status is 201
    When I send POST "/v2/images" to the image service with:
      """
      {"name": "{prefix}-quota-2"}
      """
    Then the response is 413 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-quota-2" to the image service
    Then "images" in the response has 0 items

  @id:b25eb405-f60a-4a08-89a6-29ed7c5dec19
  Scenario: Past its stored-bytes limit a project cannot upload more data (413)
    Given the image service enforces unified limits
    And my project's image limit "image_size_total" is 1
    And I am a member of my project
    And I create an image remembered as "first" with:
      """
      {"name": "{prefix}-bytes-1", "disk_format": "raw", "container_format": "bare"}
      """
    And I create an image remembered as "second" with:
      """
      {"name": "{prefix}-bytes-2", "disk_format": "raw", "container_format": "bare"}
      """
    When I send PUT "/v2/images/{first}/file" to the image service with 2097152 bytes of generated data
    Then the response status is 204
    When I send PUT "/v2/images/{second}/file" to the image service with 1024 bytes of generated data
    Then the response is 413 matching the schema "image/error"
    When I send GET "/v2/images/{second}" to the image service
    Then "status" in the response is "queued"

  @id:fe7b07fb-cfea-423d-9796-d9d237d2ce8b
  Scenario: An image holds at most 128 tags and 128 custom properties by default (413 past them)
    Given I am a member of my project
    When I send POST "/v2/images" to the image service for "{prefix}-many-tags" with 129 tags
    Then the response is 413 matching the schema "image/error"
    When I send POST "/v2/images" to the image service for "{prefix}-many-props" with 129 custom properties
    Then the response is 413 matching the schema "image/error"
    When I send GET "/v2/images?name={prefix}-many-tags" to the image service
    Then "images" in the response has 0 items
    When I send POST "/v2/images" to the image service for "{prefix}-enough-tags" with 128 tags
    Then the response is 201 matching the schema "image/image"
    And "tags" in the response has 128 items
