@object-storage @requires:object-store @admin
Feature: Object expiry
  X-Delete-After (seconds) or X-Delete-At (Unix time) makes an object expire: it shows its
  X-Delete-At, and once past it GET and HEAD answer 404. A time in the past is refused (400);
  POST sets or removes the expiry. (Expired objects may stay in listings until the cloud's
  expirer runs, so listings are not checked.)

  Background:
    Given I am a member of my project
    And the container "{prefix}-exp" exists

  @id:dcb29656-adef-43fe-b2a4-7f371e3b47ed @smoke
  Scenario: An object with X-Delete-After 1 is gone within a few seconds
    When I send PUT "/{prefix}-exp/soon" to the object store with the headers:
      | X-Delete-After | 1  |
      | Content-Length | 0  |
    Then the response status is 201
    When I send HEAD "/{prefix}-exp/soon" to the object store
    Then the response header "X-Delete-At" matches "^\d{10}$"
    When I wait until GET "/{prefix}-exp/soon" in the object store answers 404, at most 10 seconds
    And I send HEAD "/{prefix}-exp/soon" to the object store
    Then the response status is 404

  @id:09b2ac90-4e88-4d9f-9436-00e092b7e930
  Scenario Outline: An expiry in the past or not a number is refused with 400
    When I send PUT "/{prefix}-exp/bad" to the object store with the headers:
      | <header>       | <value> |
      | Content-Length | 0       |
    Then the response status is 400
    And the response body matches "<message>"
    When I send HEAD "/{prefix}-exp/bad" to the object store
    Then the response status is 404

    Examples:
      | header         | value      | message                     |
      | X-Delete-At    | 1000000000 | X-Delete-At in past         |
      | X-Delete-After | -1         | X-Delete-After in past      |
      | X-Delete-After | soon       | Non-integer X-Delete-After  |

  @id:e7a92601-c043-45f7-ae4c-ee3b44aa7698
  Scenario: POST sets an expiry and X-Remove-Delete-At removes it
    Given the object "{prefix}-exp/kept" holds "data"
    When I send POST "/{prefix}-exp/kept" to the object store with the headers:
      | X-Delete-After | 3600 |
    Then the response status is 202
    When I send HEAD "/{prefix}-exp/kept" to the object store
    Then the response header "X-Delete-At" matches "^\d{10}$"
    When I send POST "/{prefix}-exp/kept" to the object store with the headers:
      | X-Remove-Delete-At | 1 |
    Then the response status is 202
    When I send HEAD "/{prefix}-exp/kept" to the object store
    Then the response status is 200
    And the response header "X-Delete-At" is absent
