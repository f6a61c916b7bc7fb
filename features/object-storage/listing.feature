@object-storage @requires:object-store @admin
Feature: Object listings
  A container's listing is sorted by the UTF-8 bytes of the names; prefix, delimiter (with subdir
  roll-ups), marker and end_marker (both exclusive), limit (paged with the last name as the next
  marker, up to 10000) and reverse select from it, the same in every format.

  Background:
    Given I am a member of my project
    And the container "{prefix}-list" exists
    And the container "{prefix}-list" holds the objects:
      | a.txt     |
      | b/1.txt   |
      | b/2.txt   |
      | b/c/3.txt |
      | c.txt     |
      | d/        |
      | eé.txt    |
      | f         |

  @id:63de7710-e64f-4a47-9ff2-52aeb1fc897f
  Scenario: path= lists the direct children of a pseudo-directory
    When I send GET "/{prefix}-list?path=b" to the object store
    Then the listing is:
      """
      b/1.txt
      b/2.txt
      """

  @id:635b8069-2489-4483-b3b7-d0aadf3d1106 @smoke
  Scenario: Names are listed in the order of their UTF-8 bytes
    When I send GET "/{prefix}-list" to the object store
    Then the response status is 200
    And the listing is:
      """
      a.txt
      b/1.txt
      b/2.txt
      b/c/3.txt
      c.txt
      d/
      eé.txt
      f
      """
    When I send GET "/{prefix}-list?format=json" to the object store
    Then the listing has 8 names
    And the list "" in the response contains an item whose "name" is "eé.txt"

  @id:8c3f0b9b-2cad-4e55-8444-1f93d69f7fea
  Scenario: A prefix selects the names that start with it
    When I send GET "/{prefix}-list?prefix=b/&format=json" to the object store
    Then the listing is:
      """
      b/1.txt
      b/2.txt
      b/c/3.txt
      """
    When I send GET "/{prefix}-list?prefix=zz" to the object store
    Then the response status is 204

  @id:80f31967-892e-456e-bb68-39f35a90bacf @smoke
  Scenario: A delimiter rolls the names below it up into subdir entries
    When I send GET "/{prefix}-list?delimiter=/&format=json" to the object store
    Then the response status is 200
    And the listing is:
      """
      a.txt
      b/
      c.txt
      d/
      eé.txt
      f
      """
    And the list "" in the response contains an item with:
      """
      {"subdir": "b/"}
      """
    And the list "" in the response contains an item with:
      """
      {"subdir": "d/"}
      """
    When I send GET "/{prefix}-list?prefix=b/&delimiter=/&format=json" to the object store
    Then the listing is:
      """
      b/1.txt
      b/2.txt
      b/c/
      """
    When I send GET "/{prefix}-list?delimiter=/&format=xml" to the object store
    Then the response body matches "<subdir name=\"b/\"><name>b/</name></subdir>"
    When I send GET "/{prefix}-list?delimiter=/" to the object store
    Then the listing is:
      """
      a.txt
      b/
      c.txt
      d/
      eé.txt
      f
      """

  @id:0807225e-fe35-45d4-9ae6-6df965339754
  Scenario: marker and end_marker are exclusive bounds
    When I send GET "/{prefix}-list?marker=b/2.txt" to the object store
    Then the listing is:
      """
      b/c/3.txt
      c.txt
      d/
      eé.txt
      f
      """
    When I send GET "/{prefix}-list?end_marker=c.txt" to the object store
    Then the listing is:
      """
      a.txt
      b/1.txt
      b/2.txt
      b/c/3.txt
      """
    When I send GET "/{prefix}-list?marker=a.txt&end_marker=b/c/3.txt&format=json" to the object store
    Then the listing is:
      """
      b/1.txt
      b/2.txt
      """

  @id:b36458db-a4e9-44b2-8174-bdfc031f0ac5 @smoke
  Scenario: A listing is paged with limit and the last name as the next marker, to the end
    When I send GET "/{prefix}-list?limit=3" to the object store
    Then the listing is:
      """
      a.txt
      b/1.txt
      b/2.txt
      """
    And I remember the last name of the listing as "m1"
    When I send GET "/{prefix}-list?limit=3&marker={m1}" to the object store
    Then the listing is:
      """
      b/c/3.txt
      c.txt
      d/
      """
    And I remember the last name of the listing as "m2"
    When I send GET "/{prefix}-list?limit=3&marker={m2}&format=json" to the object store
    Then the listing is:
      """
      eé.txt
      f
      """
    And I remember the last name of the listing as "m3"
    When I send GET "/{prefix}-list?limit=3&marker={m3}" to the object store
    Then the response status is 204
    When I send GET "/{prefix}-list?limit=3&marker={m3}&format=json" to the object store
    Then the response status is 200
    And the listing is empty

  @id:e7956e71-842c-4845-a4ad-975a5ac78ae4
  Scenario: reverse lists from the end, and a marker then counts down
    When I send GET "/{prefix}-list?reverse=true" to the object store
    Then the listing is:
      """
      f
      eé.txt
      d/
      c.txt
      b/c/3.txt
      b/2.txt
      b/1.txt
      a.txt
      """
    When I send GET "/{prefix}-list?reverse=on&marker=c.txt&limit=2&format=json" to the object store
    Then the listing is:
      """
      b/c/3.txt
      b/2.txt
      """

  @id:47c86141-20da-45ef-bca8-86be4e734c4a
  Scenario: A limit above 10000 is refused with 412; a limit of 0 lists nothing
    When I send GET "/{prefix}-list?limit=10001" to the object store
    Then the response status is 412
    And the response body is "Maximum limit is 10000"
    When I send GET "/{prefix}-list?limit=10000&format=json" to the object store
    Then the listing has 8 names
    When I send GET "/{prefix}-list?limit=0&format=json" to the object store
    Then the response status is 200
    And the listing is empty
