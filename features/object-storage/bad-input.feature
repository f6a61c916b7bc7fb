@object-storage @requires:object-store @admin
Feature: Bad input to the object store
  Requests Swift cannot honour are refused with its own status codes, and change nothing: an
  upload with neither a length nor chunked encoding (411), one larger than max_file_size (413),
  metadata over the limits of /info (400), a container name over 256 bytes (400), unsupported
  methods (405).

  Background:
    Given I am a member of my project
    And the container "{prefix}-bad" exists

  @id:23d73a09-358e-4857-9a47-ae17c768add2 @smoke
  Scenario: An upload with neither a Content-Length nor chunked encoding is refused with 411
    When I send PUT "/{prefix}-bad/o" to the object store with neither a Content-Length nor a body
    Then the response status is 411
    When I send HEAD "/{prefix}-bad/o" to the object store
    Then the response status is 404

  @id:17d30613-241a-4cb3-ac0a-a69cfad913fa
  Scenario: An upload announced larger than max_file_size is refused with 413 before its body
    When I send PUT "/{prefix}-bad/huge" to the object store with a Content-Length of 5368709123 and no body
    Then the response status is 413
    When I send HEAD "/{prefix}-bad/huge" to the object store
    Then the response status is 404

  @id:d0548dd4-2968-45b9-a992-6760e0aeba42
  Scenario: Metadata names over 128 bytes and values over 256 bytes are refused with 400
    Given I remember 129 repetitions of "n" as "long_name"
    And I remember 257 repetitions of "v" as "long_value"
    When I send PUT "/{prefix}-bad/o" to the object store with the headers:
      | X-Object-Meta-{long_name} | v |
      | Content-Length            | 0 |
    Then the response status is 400
    And the response body matches "^Metadata name too long"
    When I send PUT "/{prefix}-bad/o" to the object store with the headers:
      | X-Object-Meta-Long | {long_value} |
      | Content-Length     | 0            |
    Then the response status is 400
    And the response body is "Metadata value longer than 256: x-object-meta-Long"
    When I send POST "/{prefix}-bad" to the object store with the headers:
      | X-Container-Meta-Long | {long_value} |
    Then the response status is 400
    When I send HEAD "/{prefix}-bad/o" to the object store
    Then the response status is 404
    When I send HEAD "/{prefix}-bad" to the object store
    Then the response header "X-Container-Meta-Long" is absent

  @id:119df659-d4fe-40f7-bbee-67e761d38a3c
  Scenario: More than 90 metadata items, or more than 4096 bytes of them, are refused with 400
    Given the next object store request carries 91 headers named "X-Object-Meta-M" with the value "v"
    When I send PUT "/{prefix}-bad/o" to the object store with the body "x"
    Then the response status is 400
    And the response body is "Too many metadata items; max 90"
    Given I remember 250 repetitions of "v" as "v250"
    And the next object store request carries 20 headers named "X-Object-Meta-Big" with the value "{v250}"
    When I send PUT "/{prefix}-bad/o" to the object store with the body "x"
    Then the response status is 400
    And the response body is "Total metadata too large; max 4096"
    When I send HEAD "/{prefix}-bad/o" to the object store
    Then the response status is 404

  @id:6a6444f0-147e-4e0c-8dbf-b5fbfeb68872
  Scenario: A container name over 256 bytes is refused with 400
    Given I remember 257 repetitions of "c" as "c257"
    When I send PUT "/{c257}" to the object store
    Then the response status is 400
    And the response body is "Container name length of 257 longer than 256"

  @id:ddb7850e-bc38-40e3-a7ce-37128817adce
  Scenario: Methods an object does not support answer 405 with Allow
    When I send PATCH "/{prefix}-bad/o" to the object store with the body "x"
    Then the response status is 405
    And the response header "Allow" matches "PUT"
