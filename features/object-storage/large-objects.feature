@object-storage @requires:object-store @admin
Feature: Large objects
  A static large object (SLO) is a manifest of segments: it is read as their concatenation, whole
  or by range, with a quoted ETag (the MD5 of the segments' MD5s); its manifest can be read back;
  DELETE ?multipart-manifest=delete removes it with its segments, while a plain DELETE leaves the
  segments. A dynamic large object (DLO) concatenates whatever objects are under a prefix at the
  time it is read. Segments: "a" × 10, "b" × 20 and "c" × 5.

  Background:
    Given I am a member of my project
    And the container "{prefix}-lo" exists
    And the container "{prefix}-seg" exists
    And I remember 10 repetitions of "a" as "a10"
    And I remember 20 repetitions of "b" as "b20"
    And I remember 5 repetitions of "c" as "c5"
    And the object "{prefix}-seg/part/0" holds "{a10}"
    And the object "{prefix}-seg/part/1" holds "{b20}"
    And the object "{prefix}-seg/part/2" holds "{c5}"

  @id:f63dd4f3-3c26-49ba-91ef-4caee046660c @smoke @requires:swift:slo
  Scenario: A static large object reads as its segments, with a quoted ETag
    When I send PUT "/{prefix}-lo/slo?multipart-manifest=put" to the object store with the body:
      """
      [{"path": "/{prefix}-seg/part/0", "etag": "e09c80c42fda55f9d992e59ca6b3307d", "size_bytes": 10},
       {"path": "{prefix}-seg/part/1", "etag": "085a8cdaee82caf894e995cd72b220bb", "size_bytes": 20},
       {"path": "/{prefix}-seg/part/2"}]
      """
    Then the response status is 201
    And the response header "Etag" is "\"a9ec7544624615089baf421254c0de30\""
    When I send GET "/{prefix}-lo/slo" to the object store
    Then the response status is 200
    And the response body is "{a10}{b20}{c5}"
    And the response header "X-Static-Large-Object" matches "^[Tt]rue$"
    And the response header "Etag" is "\"a9ec7544624615089baf421254c0de30\""
    And the response header "Content-Length" is "35"
    When I send HEAD "/{prefix}-lo/slo" to the object store
    Then the response status is 200
    And the response header "Content-Length" is "35"
    And the response header "Etag" is "\"a9ec7544624615089baf421254c0de30\""
    When I send GET "/{prefix}-lo/slo" to the object store with the headers:
      | Range | bytes=8-12 |
    Then the response status is 206
    And the response body is "aabbb"
    And the response header "Content-Range" is "bytes 8-12/35"
    When I send GET "/{prefix}-lo/slo" to the object store with the headers:
      | If-Match | "a9ec7544624615089baf421254c0de30" |
    Then the response status is 200
    When I send GET "/{prefix}-lo?format=json" to the object store
    Then the list "" in the response contains an item with:
      """
      {"name": "slo", "bytes": 35, "slo_etag": "\"a9ec7544624615089baf421254c0de30\""}
      """

  @id:a0172abe-7c98-455f-9910-abc631236f0b @requires:swift:slo
  Scenario: A static large object's manifest is read back with ?multipart-manifest=get
    Given the object "{prefix}-lo/slo" is a static large object of the segments "{prefix}-seg/part/0, {prefix}-seg/part/1, {prefix}-seg/part/2"
    When I send GET "/{prefix}-lo/slo?multipart-manifest=get" to the object store
    Then the response is 200 matching the schema "object-store/slo-manifest"
    And "" in the response has 3 items
    And "[0].name" in the response is "/{prefix}-seg/part/0"
    And "[0].bytes" in the response is "10"
    And "[0].hash" in the response is "e09c80c42fda55f9d992e59ca6b3307d"
    And "[2].name" in the response is "/{prefix}-seg/part/2"
    When I send GET "/{prefix}-lo/slo?multipart-manifest=get&format=raw" to the object store
    Then the response is 200 matching the schema "object-store/slo-manifest-raw"
    And "[1].path" in the response is "/{prefix}-seg/part/1"
    And "[1].size_bytes" in the response is "20"
    And "[1].etag" in the response is "085a8cdaee82caf894e995cd72b220bb"

  @id:3d34b0c1-67fc-438c-a3ca-5bce08097037 @requires:swift:slo
  Scenario: DELETE ?multipart-manifest=delete removes the manifest and its segments
    Given the object "{prefix}-lo/slo" is a static large object of the segments "{prefix}-seg/part/0, {prefix}-seg/part/1, {prefix}-seg/part/2"
    When I send DELETE "/{prefix}-lo/slo?multipart-manifest=delete" to the object store with the headers:
      | Accept | application/json |
    Then the response is 200 matching the schema "object-store/bulk-delete-result"
    And "Number Deleted" in the response is "4"
    And "Response Status" in the response is "200 OK"
    When I send HEAD "/{prefix}-lo/slo" to the object store
    Then the response status is 404
    When I send HEAD "/{prefix}-seg/part/1" to the object store
    Then the response status is 404

  @id:2a143c42-c8c0-4940-9b54-ed80c1a4f1cc @requires:swift:slo
  Scenario: A plain DELETE of a manifest leaves its segments
    Given the object "{prefix}-lo/slo" is a static large object of the segments "{prefix}-seg/part/0, {prefix}-seg/part/1, {prefix}-seg/part/2"
    When I send DELETE "/{prefix}-lo/slo" to the object store
    Then the response status is 204
    When I send HEAD "/{prefix}-seg/part/0" to the object store
    Then the response status is 200
    When I send HEAD "/{prefix}-lo/slo" to the object store
    Then the response status is 404

  @id:2743776c-cd99-4247-b8cf-8d55f65eee08 @requires:swift:slo
  Scenario: A manifest whose segment does not match, or is missing, is refused with 400
    When I send PUT "/{prefix}-lo/bad?multipart-manifest=put" to the object store with the body:
      """
      [{"path": "{prefix}-seg/part/0", "etag": "3ddb068de95c1c3ea2dedeecd0fe5613", "size_bytes": 10}]
      """
    Then the response status is 400
    And the response body matches "Etag Mismatch"
    When I send PUT "/{prefix}-lo/bad?multipart-manifest=put" to the object store with the body:
      """
      [{"path": "{prefix}-seg/part/0", "size_bytes": 11}]
      """
    Then the response status is 400
    And the response body matches "Size Mismatch"
    When I send PUT "/{prefix}-lo/bad?multipart-manifest=put" to the object store with the body:
      """
      [{"path": "{prefix}-seg/nothing-here"}]
      """
    Then the response status is 400
    And the response body matches "404 Not Found"
    When I send PUT "/{prefix}-lo/bad?multipart-manifest=put" to the object store with the body "not json"
    Then the response status is 400
    When I send HEAD "/{prefix}-lo/bad" to the object store
    Then the response status is 404

  @id:505d81ab-7bf3-4d94-96b0-e46b707772e9 @requires:swift:slo
  Scenario: An ETag sent with a manifest must be the large object's ETag (422 otherwise)
    Given the next object store request carries the headers:
      | ETag | 00000000000000000000000000000000 |
    When I send PUT "/{prefix}-lo/slo?multipart-manifest=put" to the object store with the body:
      """
      [{"path": "{prefix}-seg/part/0"}, {"path": "{prefix}-seg/part/1"}, {"path": "{prefix}-seg/part/2"}]
      """
    Then the response status is 422
    Given the next object store request carries the headers:
      | ETag | a9ec7544624615089baf421254c0de30 |
    When I send PUT "/{prefix}-lo/slo?multipart-manifest=put" to the object store with the body:
      """
      [{"path": "{prefix}-seg/part/0"}, {"path": "{prefix}-seg/part/1"}, {"path": "{prefix}-seg/part/2"}]
      """
    Then the response status is 201

  @id:400e9551-6bc6-4a9d-896d-4442819924b5 @smoke
  Scenario: A dynamic large object concatenates the objects under its prefix, as they are when read
    When I send PUT "/{prefix}-lo/dlo" to the object store with the headers:
      | X-Object-Manifest | {prefix}-seg/part/ |
      | Content-Length    | 0                  |
    Then the response status is 201
    When I send GET "/{prefix}-lo/dlo" to the object store
    Then the response status is 200
    And the response body is "{a10}{b20}{c5}"
    And the response header "Etag" is "\"a9ec7544624615089baf421254c0de30\""
    And the response header "X-Object-Manifest" is "{prefix}-seg/part/"
    When I send GET "/{prefix}-lo/dlo" to the object store with the headers:
      | Range | bytes=8-12 |
    Then the response status is 206
    And the response body is "aabbb"
    Given the object "{prefix}-seg/part/3" holds "dd"
    When I send GET "/{prefix}-lo/dlo" to the object store
    Then the response body is "{a10}{b20}{c5}dd"
    When I send HEAD "/{prefix}-lo/dlo" to the object store
    Then the response header "Content-Length" is "37"
    When I send GET "/{prefix}-lo/dlo?multipart-manifest=get" to the object store
    Then the response status is 200
    And the response body is ""
    And the response header "X-Object-Manifest" is "{prefix}-seg/part/"
    When I send DELETE "/{prefix}-lo/dlo" to the object store
    Then the response status is 204
    When I send HEAD "/{prefix}-seg/part/0" to the object store
    Then the response status is 200

  @id:cb5a1fd1-4e2f-4901-947f-1667eef28c1c @requires:swift:slo
  Scenario: A segment of a static large object may be a range of an object
    When I send PUT "/{prefix}-lo/ranged?multipart-manifest=put" to the object store with the body:
      """
      [{"path": "{prefix}-seg/part/1", "range": "0-4"}, {"path": "{prefix}-seg/part/0", "range": "-2"}]
      """
    Then the response status is 201
    When I send GET "/{prefix}-lo/ranged" to the object store
    Then the response body is "bbbbbaa"
    And the response header "Content-Length" is "7"

  @id:8bac3fe2-5ac4-47ae-ab73-731848c393da @requires:swift:slo
  Scenario: A copy of a static large object is a plain object holding its data
    Given the object "{prefix}-lo/slo" is a static large object of the segments "{prefix}-seg/part/0, {prefix}-seg/part/1, {prefix}-seg/part/2"
    When I send COPY "/{prefix}-lo/slo" to the object store with the headers:
      | Destination | {prefix}-lo/copied |
    Then the response status is 201
    When I send GET "/{prefix}-lo/copied" to the object store
    Then the response body is "{a10}{b20}{c5}"
    And the response header "Etag" is "da1a7f28da92b262847a5b429a73a158"
    And the response header "X-Static-Large-Object" is absent
