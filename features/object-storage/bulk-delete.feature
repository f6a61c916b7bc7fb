@object-storage @requires:object-store @admin @requires:swift:bulk_delete
Feature: Bulk delete
  POST ?bulk-delete with one URL-encoded /container/object (or /container) per line deletes them
  all in one request. The answer is always 200; the outcome is in its report (JSON with Accept:
  application/json): how many were deleted, how many were not found, and the errors.

  Background:
    Given I am a member of my project
    And the container "{prefix}-bulk" exists
    And the container "{prefix}-bulk" holds the objects:
      | x1       |
      | sp%20ace |
      | keep     |

  @id:bbca897c-51c9-489d-894c-8d105d612268 @smoke
  Scenario: Bulk delete removes the objects listed and counts the missing ones
    Given the next object store request carries the headers:
      | Content-Type | text/plain       |
      | Accept       | application/json |
    When I send POST "/?bulk-delete" to the object store with the body:
      """
      /{prefix}-bulk/x1
      {prefix}-bulk/sp%20ace
      /{prefix}-bulk/nope
      """
    Then the response is 200 matching the schema "object-store/bulk-delete-result"
    And "Number Deleted" in the response is "2"
    And "Number Not Found" in the response is "1"
    And "Response Status" in the response is "200 OK"
    When I send GET "/{prefix}-bulk" to the object store
    Then the listing is:
      """
      keep
      """

  @id:2529b123-9d7d-4e58-8681-13ce0684e92d
  Scenario: A container that is not empty is reported as a 409 inside the 200
    Given the next object store request carries the headers:
      | Content-Type | text/plain       |
      | Accept       | application/json |
    When I send POST "/?bulk-delete" to the object store with the body:
      """
      /{prefix}-bulk
      """
    Then the response is 200 matching the schema "object-store/bulk-delete-result"
    And "Response Status" in the response is "400 Bad Request"
    And "Errors[0][0]" in the response is "/{prefix}-bulk"
    And "Errors[0][1]" in the response is "409 Conflict"
    When I send HEAD "/{prefix}-bulk" to the object store
    Then the response status is 204

  @id:eee3ccd3-1a90-4e54-bd3f-2aa0e80fc087
  Scenario: Bulk delete empties and removes a container when it lists its objects first
    Given the next object store request carries the headers:
      | Content-Type | text/plain       |
      | Accept       | application/json |
    When I send POST "/?bulk-delete" to the object store with the body:
      """
      /{prefix}-bulk/x1
      /{prefix}-bulk/sp%20ace
      /{prefix}-bulk/keep
      /{prefix}-bulk
      """
    Then the response status is 200
    And "Number Deleted" in the response is "4"
    When I send HEAD "/{prefix}-bulk" to the object store
    Then the response status is 404

  @id:38410e9e-faac-4154-9243-d7b99389ecd0
  Scenario: Without Accept the report is plain text
    Given the next object store request carries the headers:
      | Content-Type | text/plain |
    When I send POST "/?bulk-delete" to the object store with the body:
      """
      /{prefix}-bulk/x1
      """
    Then the response status is 200
    And the response header "Content-Type" matches "^text/plain"
    And the response body matches "Number Deleted: 1\n"
    And the response body matches "Response Status: 200 OK\n"
