@image @requires:image @admin
Feature: Listing images: paging, filters and sorting
  GET /v2/images pages with limit and marker and gives a "next" link whenever a page is full
  (so a listing that ends on a full page ends with an empty one); it filters by name, tag,
  visibility, status and os_hidden, and sorts by sort_key/sort_dir or sort=key:dir.

  Background:
    Given I am a member of my project

  @id:635cdc52-a606-4dc6-83cb-e3a27f50aa51 @smoke
  Scenario: Paging with limit and marker follows the next link to the end
    Given I create an image remembered as "a" with:
      """
      {"name": "{prefix}-page-a", "tags": ["{prefix}-page"]}
      """
    And I create an image remembered as "b" with:
      """
      {"name": "{prefix}-page-b", "tags": ["{prefix}-page"]}
      """
    And I create an image remembered as "c" with:
      """
      {"name": "{prefix}-page-c", "tags": ["{prefix}-page"]}
      """
    When I send GET "/v2/images?tag={prefix}-page&limit=2" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 2 items
    And "next" in the response matches "^/v2/images\?.*marker="
    And I remember "images[0].id" from the response as "first"
    And I remember "images[1].id" from the response as "second"
    And I remember "next" from the response as "next"
    And "next" in the response matches "marker={second}"
    When I send GET "{next}" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 1 item
    And "next" in the response is absent
    And the list "images" in the response does not contain an item whose "id" is "{first}"
    And the list "images" in the response does not contain an item whose "id" is "{second}"
    When I send GET "/v2/images?tag={prefix}-page&limit=3" to the image service
    Then "images" in the response has 3 items
    And I remember "next" from the response as "next"
    When I send GET "{next}" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 0 items
    And "next" in the response is absent

  @id:a3368bfa-f5d4-4aa7-a244-92b28e8300cf
  Scenario: Images sort by name both ways, with sort_key/sort_dir and with sort=key:dir
    Given I create an image remembered as "b" with:
      """
      {"name": "{prefix}-sort-b", "tags": ["{prefix}-sort"]}
      """
    And I create an image remembered as "a" with:
      """
      {"name": "{prefix}-sort-a", "tags": ["{prefix}-sort"]}
      """
    And I create an image remembered as "c" with:
      """
      {"name": "{prefix}-sort-c", "tags": ["{prefix}-sort"]}
      """
    When I send GET "/v2/images?tag={prefix}-sort&sort_key=name&sort_dir=asc" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images[0].name" in the response is "{prefix}-sort-a"
    And "images[1].name" in the response is "{prefix}-sort-b"
    And "images[2].name" in the response is "{prefix}-sort-c"
    When I send GET "/v2/images?tag={prefix}-sort&sort_key=name&sort_dir=desc" to the image service
    Then "images[0].name" in the response is "{prefix}-sort-c"
    And "images[2].name" in the response is "{prefix}-sort-a"
    When I send GET "/v2/images?tag={prefix}-sort&sort=name:desc" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images[0].name" in the response is "{prefix}-sort-c"
    And "images[2].name" in the response is "{prefix}-sort-a"

  @id:c8e672b0-9244-4c80-9716-4c56cb7fbb7b
  Scenario: Filters by name, tag, visibility and status
    Given I create an image remembered as "a" with:
      """
      {"name": "{prefix}-filter-a", "visibility": "private", "tags": ["{prefix}-filter"]}
      """
    And I create an image remembered as "b" with:
      """
      {"name": "{prefix}-filter-b", "disk_format": "raw", "container_format": "bare", "tags": ["{prefix}-filter", "{prefix}-only-b"]}
      """
    When I send PUT "/v2/images/{b}/file" to the image service with 64 bytes of generated data
    Then the response status is 204
    When I send GET "/v2/images?name={prefix}-filter-a" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 1 item
    And "images[0].id" in the response is "{a}"
    When I send GET "/v2/images?tag={prefix}-only-b" to the image service
    Then "images" in the response has 1 item
    And "images[0].id" in the response is "{b}"
    When I send GET "/v2/images?tag={prefix}-filter&visibility=private" to the image service
    Then "images" in the response has 1 item
    And "images[0].id" in the response is "{a}"
    When I send GET "/v2/images?tag={prefix}-filter&status=active" to the image service
    Then "images" in the response has 1 item
    And "images[0].id" in the response is "{b}"
    When I send GET "/v2/images?tag={prefix}-filter&status=queued" to the image service
    Then "images" in the response has 1 item
    And "images[0].id" in the response is "{a}"
    When I send GET "/v2/images?tag={prefix}-filter" to the image service
    Then "images" in the response has 2 items

  @id:3a8032f8-d16b-41e6-8d85-16634d6bd1d0 @requires:image>=2.7
  Scenario: A hidden image is listed only when asked for with os_hidden=true
    Given I create an image remembered as "hidden" with:
      """
      {"name": "{prefix}-hidden", "os_hidden": true}
      """
    When I send GET "/v2/images?name={prefix}-hidden" to the image service
    Then the response is 200 matching the schema "image/image-list"
    And "images" in the response has 0 items
    When I send GET "/v2/images?name={prefix}-hidden&os_hidden=true" to the image service
    Then "images" in the response has 1 item
    And "images[0].os_hidden" in the response is true
