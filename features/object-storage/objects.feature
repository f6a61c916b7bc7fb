@object-storage @requires:object-store @admin
Feature: Objects
  An object is written with PUT (201, its MD5 as an unquoted ETag), read with GET and HEAD (200
  with its type, ETag, Last-Modified, X-Timestamp and metadata), given new metadata by POST (202,
  which replaces all of it) and deleted (204, then 404). What is uploaded, in one piece or in
  chunked transfer encoding, comes back byte for byte; an ETag that does not match the data is
  refused with 422.

  Background:
    Given I am a member of my project
    And the container "{prefix}-obj" exists

  @id:c7f0d61f-5a14-4bd2-b461-b64330ab0281 @smoke
  Scenario: An object is written, read back with its headers, and deleted
    When I send PUT "/{prefix}-obj/hello.txt" to the object store with the body "hello swift\n"
    Then the response status is 201
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"
    And the response header "Last-Modified" matches "^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$"
    When I send GET "/{prefix}-obj/hello.txt" to the object store
    Then the response status is 200
    And the response body is "hello swift\n"
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"
    And the response header "Content-Length" is "12"
    And the response header "Accept-Ranges" is "bytes"
    And the response header "X-Timestamp" matches "^\d{10}\.\d{5}$"
    And the response header "Last-Modified" is present
    When I send HEAD "/{prefix}-obj/hello.txt" to the object store
    Then the response status is 200
    And the response has no body
    And the response header "Content-Length" is "12"
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"
    When I send DELETE "/{prefix}-obj/hello.txt" to the object store
    Then the response status is 204
    And the response has no body
    When I send DELETE "/{prefix}-obj/hello.txt" to the object store
    Then the response status is 404
    When I send GET "/{prefix}-obj/hello.txt" to the object store
    Then the response status is 404
    When I send HEAD "/{prefix}-obj/hello.txt" to the object store
    Then the response status is 404
    And the response has no body

  @id:ee4c3908-51fa-4e6c-b898-0fdedfdd9202
  Scenario: Metadata and content type are stored; POST replaces all metadata and keeps the data
    Given the object "{prefix}-obj/doc" holds "hello swift\n" with the headers:
      | Content-Type          | text/x-stackproof |
      | X-Object-Meta-Kind    | greeting          |
      | X-Object-Meta-Lang    | en                |
      | X-Object-Meta-Note    | café ☃            |
    When I send HEAD "/{prefix}-obj/doc" to the object store
    Then the response header "Content-Type" is "text/x-stackproof"
    And the response header "X-Object-Meta-Kind" is "greeting"
    And the response header "X-Object-Meta-Lang" is "en"
    And the response header "X-Object-Meta-Note" is "café ☃"
    And I remember the response header "X-Timestamp" as "first"
    When I send POST "/{prefix}-obj/doc" to the object store with the headers:
      | X-Object-Meta-Color | blue           |
      | Content-Type        | text/x-changed |
    Then the response status is 202
    When I send HEAD "/{prefix}-obj/doc" to the object store
    Then the response header "X-Object-Meta-Color" is "blue"
    And the response header "X-Object-Meta-Kind" is absent
    And the response header "X-Object-Meta-Lang" is absent
    And the response header "Content-Type" is "text/x-changed"
    And the response header "Etag" is "3ddb068de95c1c3ea2dedeecd0fe5613"
    And the response header "X-Timestamp" does not equal "{first}"
    When I send GET "/{prefix}-obj/doc" to the object store
    Then the response body is "hello swift\n"
    When I send POST "/{prefix}-obj/missing" to the object store with the headers:
      | X-Object-Meta-Color | blue |
    Then the response status is 404

  @id:f0a2d437-7e1c-4163-8d65-8dbe00288949
  Scenario: Without a Content-Type the type is guessed from the name's extension
    Given the object "{prefix}-obj/guess.json" holds "{}"
    And the object "{prefix}-obj/unknown.zzqx" holds "x"
    When I send HEAD "/{prefix}-obj/guess.json" to the object store
    Then the response header "Content-Type" matches "^application/json"
    When I send HEAD "/{prefix}-obj/unknown.zzqx" to the object store
    Then the response header "Content-Type" matches "^application/octet-stream"

  @id:95d6c96d-62ce-467c-9286-af63c1f7d963 @smoke
  Scenario: Uploaded bytes come back unchanged, with their MD5 as the ETag
    When I send PUT "/{prefix}-obj/blob" to the object store with 1048583 bytes of generated data
    Then the response status is 201
    And the response header "Etag" is "{uploaded_md5}"
    When I send GET "/{prefix}-obj/blob" to the object store
    Then the response status is 200
    And the response header "Content-Length" is "{uploaded_size}"
    And the response header "Etag" is "{uploaded_md5}"
    And the response body is the uploaded data
    When I send GET "/{prefix}-obj?format=json" to the object store
    Then the list "" in the response contains an item with:
      """
      {"name": "blob", "bytes": 1048583, "hash": "{uploaded_md5}"}
      """

  @id:744a956e-b475-43ec-9822-3a8bb2aac7f3
  Scenario: An upload in chunked transfer encoding is stored whole
    When I send PUT "/{prefix}-obj/chunked" to the object store with 200000 bytes of generated data in chunked transfer encoding
    Then the response status is 201
    And the response header "Etag" is "{uploaded_md5}"
    When I send GET "/{prefix}-obj/chunked" to the object store
    Then the response header "Content-Length" is "200000"
    And the response body is the uploaded data

  @id:43192a5a-ae12-4897-a365-50d13a1198d5
  Scenario: An ETag sent with the data must match it (422 otherwise), quoted or not
    Given the next object store request carries the headers:
      | ETag | 3ddb068de95c1c3ea2dedeecd0fe5613 |
    When I send PUT "/{prefix}-obj/checked" to the object store with the body "hello swift\n"
    Then the response status is 201
    Given the next object store request carries the headers:
      | ETag | "3ddb068de95c1c3ea2dedeecd0fe5613" |
    When I send PUT "/{prefix}-obj/quoted" to the object store with the body "hello swift\n"
    Then the response status is 201
    Given the next object store request carries the headers:
      | ETag | 00000000000000000000000000000000 |
    When I send PUT "/{prefix}-obj/mismatch" to the object store with the body "hello swift\n"
    Then the response status is 422
    When I send HEAD "/{prefix}-obj/mismatch" to the object store
    Then the response status is 404

  @id:374feff8-896c-449e-ab33-a72a58551baa
  Scenario: A zero-byte object has the MD5 of nothing as its ETag
    When I send PUT "/{prefix}-obj/empty" to the object store with the body ""
    Then the response status is 201
    And the response header "Etag" is "d41d8cd98f00b204e9800998ecf8427e"
    When I send GET "/{prefix}-obj/empty" to the object store
    Then the response status is 200
    And the response header "Content-Length" is "0"
    And the response body is ""

  @id:6a8904f6-67dd-4748-b9fd-2ab5439a2495
  Scenario: If-None-Match: * refuses to overwrite an object (412) and creates a new one
    Given the object "{prefix}-obj/once" holds "first"
    Given the next object store request carries the headers:
      | If-None-Match | * |
    When I send PUT "/{prefix}-obj/once" to the object store with the body "second"
    Then the response status is 412
    Given the next object store request carries the headers:
      | If-None-Match | * |
    When I send PUT "/{prefix}-obj/new" to the object store with the body "second"
    Then the response status is 201
    When I send GET "/{prefix}-obj/once" to the object store
    Then the response body is "first"

  @id:b0dceaf9-1215-436c-9cc3-ec27fe58e8d9
  Scenario: An overwrite replaces data and metadata
    Given the object "{prefix}-obj/o" holds "first" with the headers:
      | X-Object-Meta-Old | yes |
    And the object "{prefix}-obj/o" holds "second version"
    When I send GET "/{prefix}-obj/o" to the object store
    Then the response body is "second version"
    And the response header "X-Object-Meta-Old" is absent
    When I send HEAD "/{prefix}-obj" to the object store
    Then the response header "X-Container-Object-Count" is "1"
    And the response header "X-Container-Bytes-Used" is "14"

  @id:177b5e72-ff63-4d6e-ac9b-f0d02c053294
  Scenario: Content-Encoding and Content-Disposition are stored and returned as sent
    Given the object "{prefix}-obj/x.txt.gz" holds "hello swift\n" with the headers:
      | Content-Type        | text/plain                    |
      | Content-Encoding    | gzip                          |
      | Content-Disposition | attachment; filename="x.txt" |
    When I send GET "/{prefix}-obj/x.txt.gz" to the object store
    Then the response status is 200
    And the response header "Content-Encoding" is "gzip"
    And the response header "Content-Disposition" is "attachment; filename=\"x.txt\""
    And the response body is "hello swift\n"
