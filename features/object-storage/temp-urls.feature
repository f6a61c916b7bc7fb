@object-storage @requires:object-store @admin @requires:swift:tempurl
Feature: Temporary URLs
  With a key in the account's (or a container's) Temp-URL-Key metadata, a URL signed with
  HMAC(key, "METHOD\nexpires\npath") grants that method on that object until it expires, to anyone
  and without a token. A GET signature also allows HEAD but not PUT; a wrong signature, another
  object, an expired URL or no key at all are refused with 401.

  Background:
    Given I am a member of my project
    And the container "{prefix}-tmp" exists
    And the object "{prefix}-tmp/hello.txt" holds "hello swift\n"
    When I send POST "/" to the object store with the headers:
      | X-Account-Meta-Temp-URL-Key | {prefix}-secret-key |
    Then the response status is 204

  @id:c9a266e7-f1d4-44ce-bb09-5a6fa6a40044 @smoke
  Scenario: A GET signed with sha256 reads the object without a token, and also allows HEAD
    Given I remember a temp URL for GET "/{prefix}-tmp/hello.txt" in my project signed with sha256 and the key "{prefix}-secret-key", valid for 60 seconds, as "url"
    When I send GET "{url}" to the object store without a token
    Then the response status is 200
    And the response body is "hello swift\n"
    And the response header "Content-Disposition" matches "^attachment; filename=\"hello.txt\""
    When I send HEAD "{url}" to the object store without a token
    Then the response status is 200
    When I send GET "/{prefix}-tmp/hello.txt" to the object store of my project without a token
    Then the response status is 401

  @id:f72aa7dd-358b-465b-96ab-810cff237d50 @security
  Scenario: A GET signature does not allow PUT, and a PUT signature uploads
    Given I remember a temp URL for GET "/{prefix}-tmp/hello.txt" in my project signed with sha256 and the key "{prefix}-secret-key", valid for 60 seconds, as "get_url"
    When I send PUT "{get_url}" to the object store without a token with the body "overwritten"
    Then the response status is 401
    Given I remember a temp URL for PUT "/{prefix}-tmp/upload.txt" in my project signed with sha512 and the key "{prefix}-secret-key", valid for 60 seconds, as "put_url"
    When I send PUT "{put_url}" to the object store without a token with the body "uploaded"
    Then the response status is 201
    When I send GET "/{prefix}-tmp/upload.txt" to the object store
    Then the response body is "uploaded"
    When I send GET "/{prefix}-tmp/hello.txt" to the object store
    Then the response body is "hello swift\n"

  @id:2641f7e5-84ba-4abd-8b45-01c12afa4e08 @security
  Scenario: A wrong key, another object or an expired URL are refused with 401
    Given I remember a temp URL for GET "/{prefix}-tmp/hello.txt" in my project signed with sha256 and the key "not-the-key", valid for 60 seconds, as "wrong_key"
    When I send GET "{wrong_key}" to the object store without a token
    Then the response status is 401
    Given I remember a temp URL for GET "/{prefix}-tmp/hello.txt" in my project signed with sha256 and the key "{prefix}-secret-key", valid for -10 seconds, as "expired"
    When I send GET "{expired}" to the object store without a token
    Then the response status is 401
    Given the object "{prefix}-tmp/other.txt" holds "other"
    And I remember a temp URL for GET "/{prefix}-tmp/hello.txt" in my project signed with sha256 and the key "{prefix}-secret-key", valid for 60 seconds, as "good"
    When I send GET "{good}" to the object store without a token
    Then the response status is 200
    When I send GET "/{prefix}-tmp/other.txt?{good_query}" to the object store of my project without a token
    Then the response status is 401

  @id:2530fa32-611a-4b0e-96ca-02e6d9c278bf
  Scenario: A key set on the container signs URLs for its objects; removing the key revokes them
    When I send POST "/" to the object store with the headers:
      | X-Remove-Account-Meta-Temp-URL-Key | x |
    And I send POST "/{prefix}-tmp" to the object store with the headers:
      | X-Container-Meta-Temp-URL-Key | {prefix}-container-key |
    Then the response status is 204
    Given I remember a temp URL for GET "/{prefix}-tmp/hello.txt" in my project signed with sha256 and the key "{prefix}-container-key", valid for 60 seconds, as "url"
    When I send GET "{url}" to the object store without a token
    Then the response status is 200
    When I send POST "/{prefix}-tmp" to the object store with the headers:
      | X-Remove-Container-Meta-Temp-URL-Key | x |
    And I send GET "{url}" to the object store without a token
    Then the response status is 401

  @id:f6a84a77-d2a3-4ebf-b90d-dad95c2794fb
  Scenario: A temp URL may name the download's file or ask for inline display; a missing object is 404
    Given I remember a temp URL for GET "/{prefix}-tmp/hello.txt" in my project signed with sha512 and the key "{prefix}-secret-key", valid for 60 seconds, as "url"
    When I send GET "{url}&filename=my%20file.txt" to the object store without a token
    Then the response status is 200
    And the response header "Content-Disposition" is "attachment; filename=\"my file.txt\"; filename*=UTF-8''my%20file.txt"
    When I send GET "{url}&inline" to the object store without a token
    Then the response status is 200
    And the response header "Content-Disposition" is "inline"
    Given I remember a temp URL for GET "/{prefix}-tmp/missing" in my project signed with sha256 and the key "{prefix}-secret-key", valid for 60 seconds, as "missing"
    When I send GET "{missing}" to the object store without a token
    Then the response status is 404
