@object-storage @requires:object-store @admin
Feature: Ranges and conditional requests
  A Range header selects bytes of an object: one range answers 206 with Content-Range, several
  a multipart/byteranges body, a range past the end 416, and a malformed or reversed one is
  ignored (200 with the whole object). If-Match, If-None-Match, If-Modified-Since and
  If-Unmodified-Since compare with the object's ETag and Last-Modified (412 or 304).

  Background:
    Given I am a member of my project
    And the container "{prefix}-rng" exists
    And the object "{prefix}-rng/hello.txt" holds "hello swift\n" with the headers:
      | Content-Type | text/plain |

  @id:a89ddc11-c476-4b31-91db-f63d9bb666bf @smoke
  Scenario: One range answers 206 with those bytes and a Content-Range
    Given the next object store request carries the headers:
      | Range | bytes=0-4 |
    When I send GET "/{prefix}-rng/hello.txt" to the object store
    Then the response status is 206
    And the response body is "hello"
    And the response header "Content-Range" is "bytes 0-4/12"
    And the response header "Content-Length" is "5"
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"

  @id:8ee816be-00ed-4714-9ddb-b567a69d81ed
  Scenario Outline: Suffix and open-ended ranges are bounded by the object's size
    Given the next object store request carries the headers:
      | Range | <range> |
    When I send GET "/{prefix}-rng/hello.txt" to the object store
    Then the response status is 206
    And the response body is "swift\n"
    And the response header "Content-Range" is "bytes 6-11/12"

    Examples:
      | range        |
      | bytes=-6     |
      | bytes=6-     |
      | bytes=6-1000 |

  @id:23c3df10-9bae-4a82-a22d-68434b534ce7
  Scenario: Several ranges answer a multipart/byteranges body
    Given the next object store request carries the headers:
      | Range | bytes=0-1,6-8 |
    When I send GET "/{prefix}-rng/hello.txt" to the object store
    Then the response status is 206
    And the response header "Content-Type" matches "^multipart/byteranges;\s*boundary="
    And the response has the byte ranges:
      | bytes 0-1/12 | he  |
      | bytes 6-8/12 | swi |

  @id:fccb1768-c3aa-4a61-b823-432a9b4dd8c5
  Scenario: HEAD ignores a Range and answers the whole length
    When I send HEAD "/{prefix}-rng/hello.txt" to the object store with the headers:
      | Range | bytes=0-4 |
    Then the response status is 200
    And the response header "Content-Length" is "12"

  @id:7fb18abd-c9d8-41de-ae32-dfec3ee4f32f
  Scenario: A range wholly past the end answers 416 with the object's size
    Given the next object store request carries the headers:
      | Range | bytes=100-200 |
    When I send GET "/{prefix}-rng/hello.txt" to the object store
    Then the response status is 416
    And the response header "Content-Range" is "bytes */12"

  @id:9487e14c-39bd-4312-bd33-1d35e3652dba
  Scenario Outline: A malformed or reversed range is ignored: the whole object, 200
    Given the next object store request carries the headers:
      | Range | <range> |
    When I send GET "/{prefix}-rng/hello.txt" to the object store
    Then the response status is 200
    And the response body is "hello swift\n"
    And the response header "Content-Range" is absent

    Examples:
      | range     |
      | bytes=z-1 |
      | bytes=5-2 |

  @id:df4649e4-89db-400c-a096-cfe17d662e1a
  Scenario: A range within a large upload gives exactly those bytes
    Given the object "{prefix}-rng/blob" holds 300000 bytes of generated data
    Given the next object store request carries the headers:
      | Range | bytes=65530-200000 |
    When I send GET "/{prefix}-rng/blob" to the object store
    Then the response status is 206
    And the response header "Content-Range" is "bytes 65530-200000/300000"
    And the response body is bytes 65530 to 200000 of the uploaded data

  @id:d281a1af-78e3-4934-850f-6e028b45c9aa @smoke
  Scenario: If-Match and If-None-Match compare with the ETag
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Match | "3ddb068de95c1c3ea2dedeecd0fe5613" |
    Then the response status is 200
    And the response body is "hello swift\n"
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Match | * |
    Then the response status is 200
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Match | "00000000000000000000000000000000" |
    Then the response status is 412
    And the response body is ""
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-None-Match | "3ddb068de95c1c3ea2dedeecd0fe5613" |
    Then the response status is 304
    And the response body is ""
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-None-Match | "00000000000000000000000000000000" |
    Then the response status is 200
    When I send GET "/{prefix}-rng/missing" to the object store with the headers:
      | If-Match | * |
    Then the response status is 412

  @id:5460f5a7-6da8-45e6-983c-729e2b2f4425
  Scenario: If-Modified-Since and If-Unmodified-Since compare with Last-Modified
    When I send HEAD "/{prefix}-rng/hello.txt" to the object store
    And I remember the response header "Last-Modified" as "lm"
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Modified-Since | {lm} |
    Then the response status is 304
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Modified-Since | Mon, 01 Jan 2001 00:00:00 GMT |
    Then the response status is 200
    And the response body is "hello swift\n"
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Modified-Since | yesterday |
    Then the response status is 200
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Unmodified-Since | Mon, 01 Jan 2001 00:00:00 GMT |
    Then the response status is 412
    When I send GET "/{prefix}-rng/hello.txt" to the object store with the headers:
      | If-Unmodified-Since | {lm} |
    Then the response status is 200
