@object-storage @requires:object-store @admin @security
Feature: Hostile object names
  Object names are data, never paths: dots, slashes (leading, doubled, trailing), query
  characters and any UTF-8 are stored and listed verbatim and read back as written; a request
  path is not normalised. Names of 1024 bytes are accepted and 1025 refused (400); a NUL or
  invalid UTF-8 is refused with 412.

  Background:
    Given I am a member of my project
    And the container "{prefix}-names" exists

  @id:f82746d3-8d57-4564-986a-5e4aa7b5b02e @smoke
  Scenario: Names that look like paths are stored and listed verbatim
    Given the object "{prefix}-names/..%2F..%2Fetc%2Fpasswd" holds "1"
    And the object "{prefix}-names/a%2F..%2Fb" holds "2"
    And the object "{prefix}-names/.%2Fx" holds "3"
    And the object "{prefix}-names/%2Flead%2F%2Fx" holds "4"
    And the object "{prefix}-names/dir%2F" holds "5"
    And the object "{prefix}-names/q%3Fx=1&y%23z" holds "6"
    And the object "{prefix}-names/日本語/ファイル ☃.txt" holds "7"
    When I send GET "/{prefix}-names" to the object store
    Then the response status is 200
    And the listing is:
      """
      ../../etc/passwd
      ./x
      /lead//x
      a/../b
      dir/
      q?x=1&y#z
      日本語/ファイル ☃.txt
      """
    When I send GET "/{prefix}-names?format=json" to the object store
    Then the list "" in the response contains an item whose "name" is "../../etc/passwd"
    And the list "" in the response contains an item whose "name" is "日本語/ファイル ☃.txt"
    When I send GET "/{prefix}-names/..%2F..%2Fetc%2Fpasswd" to the object store
    Then the response status is 200
    And the response body is "1"
    When I send GET "/{prefix}-names/q%3Fx=1&y%23z" to the object store
    Then the response body is "6"
    When I send GET "/{prefix}-names/日本語/ファイル ☃.txt" to the object store
    Then the response body is "7"

  @id:78d3e241-1211-4e6e-9f01-cc8ed9f465ec
  Scenario: A request path is not normalised: a/../b names the object "a/../b"
    Given the object "{prefix}-names/b" holds "plain b"
    And the object "{prefix}-names/a/../b" holds "dotted"
    When I send GET "/{prefix}-names/a/../b" to the object store
    Then the response status is 200
    And the response body is "dotted"
    When I send GET "/{prefix}-names/b" to the object store
    Then the response body is "plain b"
    When I send GET "/{prefix}-names?format=json" to the object store
    Then the listing is:
      """
      a/../b
      b
      """

  @id:29df4fed-184e-4672-9c49-f1cfee73519e
  Scenario: An encoded slash is a slash: a%2Fb and a/b are the same object
    Given the object "{prefix}-names/a%2Fb" holds "one"
    When I send GET "/{prefix}-names/a/b" to the object store
    Then the response status is 200
    And the response body is "one"

  @id:25ba0f37-b63f-4a49-951a-34246c50074a
  Scenario: A name of 1024 bytes is accepted and one of 1025 refused with 400
    Given I remember 1024 repetitions of "n" as "n1024"
    And I remember 1025 repetitions of "n" as "n1025"
    When I send PUT "/{prefix}-names/{n1024}" to the object store with the body "x"
    Then the response status is 201
    When I send PUT "/{prefix}-names/{n1025}" to the object store with the body "x"
    Then the response status is 400
    And the response body is "Object name length of 1025 longer than 1024"
    When I send GET "/{prefix}-names?format=json" to the object store
    Then the listing is:
      """
      {n1024}
      """

  @id:1624de50-eecc-4889-aeef-a3826c26851f
  Scenario Outline: A NUL or invalid UTF-8 in a name is refused with 412
    When I send PUT "/{prefix}-names/<name>" to the object store with the body "x"
    Then the response status is 412
    And the response body is "Invalid UTF8 or contains NULL"
    When I send GET "/{prefix}-names" to the object store
    Then the response status is 204

    Examples:
      | name    |
      | a%00b   |
      | bad%FFx |

  @id:0f7c9bd5-d0f0-42ff-89d0-8a1d450f556e
  Scenario: A container name of UTF-8 and dots is a name like any other
    When I send PUT "/{prefix}-cé..%E2%98%83" to the object store
    Then the response status is 201
    When I send PUT "/{prefix}-cé..☃/o" to the object store with the body "in a snowman"
    Then the response status is 201
    When I send GET "/?prefix={prefix}-c&format=json" to the object store
    Then the list "" in the response contains an item whose "name" is "{prefix}-cé..☃"

  @id:59b5522b-81cc-4dd6-b42c-40d622a378d8
  Scenario: Names with markup characters are escaped in XML listings and kept in JSON
    Given the object "{prefix}-names/x%3C%26%3E%22'" holds "markup"
    When I send GET "/{prefix}-names?format=xml" to the object store
    Then the response status is 200
    And the response body matches "<name>x&lt;&amp;&gt;(&quot;|\")('|&apos;|&#39;)</name>"
    And the listing is:
      """
      x<&>"'
      """
    When I send GET "/{prefix}-names?format=json" to the object store
    Then the list "" in the response contains an item with:
      """
      {"name": "x<&>\"'", "bytes": 6}
      """
    When I send GET "/{prefix}-names/x%3C%26%3E%22'" to the object store
    Then the response body is "markup"
