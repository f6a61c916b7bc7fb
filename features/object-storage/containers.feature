@object-storage @requires:object-store @admin
Feature: Object storage containers
  A container is created with 201 (202 when it exists), shows its counters and metadata on HEAD
  (204), keeps metadata set by PUT or POST until removed, lists its objects in plain text, JSON and
  XML (an empty plain listing is 204), and is deleted only when empty (409 otherwise).

  Background:
    Given I am a member of my project

  @id:5659329f-b587-4f7e-9714-2dd986ebb74a @smoke
  Scenario: A container is created with 201, again with 202, and shows its counters
    When I send PUT "/{prefix}-c" to the object store
    Then the response status is 201
    When I send PUT "/{prefix}-c" to the object store
    Then the response status is 202
    When I send HEAD "/{prefix}-c" to the object store
    Then the response status is 204
    And the response has no body
    And the response header "X-Container-Object-Count" is "0"
    And the response header "X-Container-Bytes-Used" is "0"
    And the response header "X-Timestamp" matches "^\d{10}\.\d{5}$"
    And the response header "X-Storage-Policy" is present
    Given the container "{prefix}-c" holds the objects:
      | a   | abc |
      | b   | de  |
      | c/d | f   |
    When I send HEAD "/{prefix}-c" to the object store
    Then the response header "X-Container-Object-Count" is "3"
    And the response header "X-Container-Bytes-Used" is "6"

  @id:dd31e2a2-a97b-4958-8326-4f17b4f7c252
  Scenario: Container metadata is set by PUT and POST, and removed by X-Remove or an empty value
    Given the container "{prefix}-meta" exists with the headers:
      | X-Container-Meta-Owner | alice |
    When I send POST "/{prefix}-meta" to the object store with the headers:
      | X-Container-Meta-Color | blue |
      | X-Container-Meta-Size  | big  |
    Then the response status is 204
    And the response has no body
    When I send HEAD "/{prefix}-meta" to the object store
    Then the response header "X-Container-Meta-Owner" is "alice"
    And the response header "X-Container-Meta-Color" is "blue"
    And the response header "X-Container-Meta-Size" is "big"
    When I send POST "/{prefix}-meta" to the object store with the headers:
      | X-Remove-Container-Meta-Owner | x |
      | X-Container-Meta-Color        |   |
    Then the response status is 204
    When I send HEAD "/{prefix}-meta" to the object store
    Then the response header "X-Container-Meta-Owner" is absent
    And the response header "X-Container-Meta-Color" is absent
    And the response header "X-Container-Meta-Size" is "big"

  @id:3c8f0cfd-5026-4ef4-880a-b9e1cfadd47f
  Scenario: A container that holds objects cannot be deleted (409); empty, it is deleted (204), then gone (404)
    Given the container "{prefix}-del" exists
    And the object "{prefix}-del/o" holds "data"
    When I send DELETE "/{prefix}-del" to the object store
    Then the response status is 409
    When I send DELETE "/{prefix}-del/o" to the object store
    Then the response status is 204
    When I send DELETE "/{prefix}-del" to the object store
    Then the response status is 204
    And the response has no body
    When I send DELETE "/{prefix}-del" to the object store
    Then the response status is 404
    When I send HEAD "/{prefix}-del" to the object store
    Then the response status is 404
    And the response has no body
    When I send POST "/{prefix}-del" to the object store with the headers:
      | X-Container-Meta-Color | red |
    Then the response status is 404

  @id:965dcaeb-875f-49a4-99d9-0c237529fcc4 @smoke
  Scenario: A container lists its objects in plain text, JSON and XML
    Given the container "{prefix}-fmt" exists
    And the object "{prefix}-fmt/hello.txt" holds "hello swift\n"
    And the object "{prefix}-fmt/z" holds "zz"
    When I send GET "/{prefix}-fmt" to the object store
    Then the response status is 200
    And the response header "Content-Type" matches "^text/plain; charset=utf-8$"
    And the response body is "hello.txt\nz\n"
    And the response header "X-Container-Object-Count" is "2"
    When I send GET "/{prefix}-fmt?format=json" to the object store
    Then the response is 200 matching the schema "object-store/container-listing"
    And the response header "Content-Type" matches "^application/json; charset=utf-8$"
    And the list "" in the response contains an item with:
      """
      {"name": "hello.txt", "bytes": 12, "hash": "3ddb068de95c1c3ea2dedeecd0fe5613", "content_type": "text/plain"}
      """
    And every item of the list "" in the response has exactly the fields "bytes, hash, name, content_type, last_modified"
    When I send GET "/{prefix}-fmt?format=xml" to the object store
    Then the response status is 200
    And the response header "Content-Type" matches "^application/xml; charset=utf-8$"
    And the response body matches "<object><name>hello.txt</name><hash>3ddb068de95c1c3ea2dedeecd0fe5613</hash><bytes>12</bytes>"
    And the listing is:
      """
      hello.txt
      z
      """
    When I send GET "/{prefix}-fmt" to the object store with the headers:
      | Accept | application/json |
    Then the response header "Content-Type" matches "^application/json"
    And the listing has 2 names
    When I send GET "/{prefix}-fmt" to the object store with the headers:
      | Accept | application/xml |
    Then the response header "Content-Type" matches "^application/xml"
    When I send GET "/{prefix}-fmt" to the object store with the headers:
      | Accept | image/png |
    Then the response status is 406

  @id:56109be5-ff89-4120-98a9-09115521cd8d
  Scenario: An empty container lists as 204 in plain text and as an empty document in JSON and XML
    Given the container "{prefix}-empty" exists
    When I send GET "/{prefix}-empty" to the object store
    Then the response status is 204
    And the response has no body
    When I send GET "/{prefix}-empty?format=json" to the object store
    Then the response status is 200
    And the response body is "[]"
    When I send GET "/{prefix}-empty?format=xml" to the object store
    Then the response status is 200
    And the response body matches "<container name=\"{prefix}-empty\"\s*(/>|>\s*</container>)\s*$"

  @id:0da8f930-317d-4e06-8f14-727797277c5e
  Scenario: A missing container answers 404 to GET, HEAD and object uploads
    When I send GET "/{prefix}-nothing" to the object store
    Then the response status is 404
    When I send PUT "/{prefix}-nothing/o" to the object store with the body "x"
    Then the response status is 404
