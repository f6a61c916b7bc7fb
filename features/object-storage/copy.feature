@object-storage @requires:object-store @admin
Feature: Server-side copy
  COPY with a Destination, or PUT with X-Copy-From and no body, copies an object's data and
  metadata on the server (201); X-Fresh-Metadata drops the source's metadata, and metadata sent
  with a PUT copy is merged over it.

  Background:
    Given I am a member of my project
    And the container "{prefix}-src" exists
    And the container "{prefix}-dst" exists
    And the object "{prefix}-src/hello.txt" holds "hello swift\n" with the headers:
      | Content-Type       | text/x-source |
      | X-Object-Meta-Kind | greeting      |

  @id:76f9ed75-c987-4b7e-a343-5be3efc366bd @smoke
  Scenario: COPY with a Destination copies data and metadata
    When I send COPY "/{prefix}-src/hello.txt" to the object store with the headers:
      | Destination | {prefix}-dst/copy.txt |
    Then the response status is 201
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"
    And the response header "X-Copied-From" is "{prefix}-src/hello.txt"
    When I send GET "/{prefix}-dst/copy.txt" to the object store
    Then the response status is 200
    And the response body is "hello swift\n"
    And the response header "X-Object-Meta-Kind" is "greeting"
    And the response header "Content-Type" is "text/x-source"
    When I send HEAD "/{prefix}-src/hello.txt" to the object store
    Then the response status is 200

  @id:63fc503d-69a0-4b76-a4b4-18665c5ff326
  Scenario: X-Fresh-Metadata copies the data without the metadata
    When I send COPY "/{prefix}-src/hello.txt" to the object store with the headers:
      | Destination         | {prefix}-dst/fresh.txt |
      | X-Fresh-Metadata    | true                   |
      | X-Object-Meta-Color | blue                   |
    Then the response status is 201
    When I send HEAD "/{prefix}-dst/fresh.txt" to the object store
    Then the response header "X-Object-Meta-Kind" is absent
    And the response header "X-Object-Meta-Color" is "blue"
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"

  @id:aedd311a-ca43-4b14-a8f6-461e660cb699 @smoke
  Scenario: PUT with X-Copy-From copies and merges the metadata sent
    When I send PUT "/{prefix}-dst/put-copy.txt" to the object store with the headers:
      | X-Copy-From         | {prefix}-src/hello.txt |
      | X-Object-Meta-Color | blue                   |
      | Content-Length      | 0                      |
    Then the response status is 201
    When I send GET "/{prefix}-dst/put-copy.txt" to the object store
    Then the response body is "hello swift\n"
    And the response header "X-Object-Meta-Kind" is "greeting"
    And the response header "X-Object-Meta-Color" is "blue"

  @id:c470a449-6cf2-4e30-bb86-a8fa971f4f01
  Scenario: A copy of a range copies only those bytes
    When I send PUT "/{prefix}-dst/part.txt" to the object store with the headers:
      | X-Copy-From    | {prefix}-src/hello.txt |
      | Range          | bytes=0-4              |
      | Content-Length | 0                      |
    Then the response status is 201
    When I send GET "/{prefix}-dst/part.txt" to the object store
    Then the response body is "hello"

  @id:1f3cc09a-73b2-4add-82cd-7e16bb070c82
  Scenario: A copy from a missing object is 404, with a body 400, without a Destination 412
    When I send PUT "/{prefix}-dst/x" to the object store with the headers:
      | X-Copy-From    | {prefix}-src/missing |
      | Content-Length | 0                    |
    Then the response status is 404
    Given the next object store request carries the headers:
      | X-Copy-From | {prefix}-src/hello.txt |
    When I send PUT "/{prefix}-dst/x" to the object store with the body "not empty"
    Then the response status is 400
    When I send COPY "/{prefix}-src/hello.txt" to the object store
    Then the response status is 412
    When I send PUT "/{prefix}-dst/x" to the object store with the headers:
      | X-Copy-From    | no-slash-here |
      | Content-Length | 0             |
    Then the response status is 412
    When I send HEAD "/{prefix}-dst/x" to the object store
    Then the response status is 404
