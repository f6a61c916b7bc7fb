@object-storage @requires:object-store @admin
Feature: Object storage accounts
  The account of a project (its catalog endpoint, /v1/AUTH_<project>) counts its containers
  exactly, lists them in plain text, JSON and XML, keeps metadata set by POST, and is refused to
  other projects (403) and to anonymous requests (401, with a challenge naming Keystone). Object
  and byte counters of an account lag behind on a real Swift (an updater refreshes them), so they
  are only checked for presence.

  Background:
    Given I am a member of my project

  @id:2650a7ec-e66b-491c-bd2f-8f78e85dd9b8 @smoke
  Scenario: Swift's /info lists its limits without a token
    When I send GET to the object store's /info
    Then the response is 200 matching the schema "object-store/info"
    And the response header "Content-Type" matches "^application/json"
    And "swift.max_object_name_length" in the response is "1024"
    And "swift.container_listing_limit" in the response is "10000"
    When I send HEAD to the object store's /info
    Then the response status is 200
    And the response has no body

  @id:ef30074d-c0f5-4b72-a380-40292c9d8182 @smoke
  Scenario: The account counts its containers exactly
    When I send HEAD "/" to the object store
    Then the response header "X-Account-Container-Count" is present
    And I remember the response header "X-Account-Container-Count" as "before"
    Given the container "{prefix}-acct-1" exists
    And the container "{prefix}-acct-2" exists
    When I send HEAD "/" to the object store
    Then the response status is 204
    And the response has no body
    And the response header "X-Account-Container-Count" is "{before}" plus 2
    And the response header "X-Account-Object-Count" matches "^\d+$"
    And the response header "X-Account-Bytes-Used" matches "^\d+$"
    And the response header "X-Timestamp" matches "^\d{10}\.\d{5}$"
    And the response header "X-Trans-Id" matches "^tx[0-9a-f]{21}-[0-9a-f]{10}$"

  @id:ea7e7178-f37d-4cea-8512-b0fcc9795002
  Scenario: The account lists its containers in plain text, JSON and XML
    Given the container "{prefix}-lst-b" exists
    And the container "{prefix}-lst-a" exists
    When I send GET "/?prefix={prefix}-lst-" to the object store
    Then the response status is 200
    And the response header "Content-Type" matches "^text/plain; charset=utf-8$"
    And the response body is "{prefix}-lst-a\n{prefix}-lst-b\n"
    When I send GET "/?prefix={prefix}-lst-&format=json" to the object store
    Then the response is 200 matching the schema "object-store/account-listing"
    And the listing is:
      """
      {prefix}-lst-a
      {prefix}-lst-b
      """
    And every item of the list "" in the response has exactly the fields "name, count, bytes, last_modified"
    When I send GET "/?prefix={prefix}-lst-&format=xml" to the object store
    Then the response status is 200
    And the response header "Content-Type" matches "^application/xml; charset=utf-8$"
    And the response body matches "^<\?xml version=\"1.0\" encoding=\"UTF-8\"\?>\n<account name=\"AUTH_{project_id}\">"
    And the listing is:
      """
      {prefix}-lst-a
      {prefix}-lst-b
      """
    When I send GET "/?prefix={prefix}-lst-&limit=1&format=json" to the object store
    Then the listing is:
      """
      {prefix}-lst-a
      """
    When I send GET "/?prefix={prefix}-lst-&marker={prefix}-lst-a" to the object store
    Then the listing is:
      """
      {prefix}-lst-b
      """

  @id:6e136cfb-8ca5-405d-b074-c3da82a5ea12
  Scenario: Account metadata is set and removed by POST
    Given the container "{prefix}-meta" exists
    When I send POST "/" to the object store with the headers:
      | X-Account-Meta-Stackproof-Color | blue |
    Then the response status is 204
    And the response has no body
    When I send HEAD "/" to the object store
    Then the response header "X-Account-Meta-Stackproof-Color" is "blue"
    When I send POST "/" to the object store with the headers:
      | X-Remove-Account-Meta-Stackproof-Color | x |
    Then the response status is 204
    When I send HEAD "/" to the object store
    Then the response header "X-Account-Meta-Stackproof-Color" is absent

  @id:1b455d53-1219-4b77-852e-1fe4d4ae62a0 @security
  Scenario: Another project's member is refused (403) and an anonymous request challenged (401)
    Given the container "{prefix}-private" exists
    When I am a member of the other project
    And I send GET "/" to the object store of my project
    Then the response status is 403
    When I send HEAD "/{prefix}-private" to the object store of my project
    Then the response status is 403
    And the response has no body
    When I send GET "/" to the object store of my project without a token
    Then the response status is 401
    And the response header "WWW-Authenticate" matches "Swift realm=\"AUTH_{project_id}\""
    And the response header "WWW-Authenticate" matches "Keystone uri="
    When I send GET "/{prefix}-private" to the object store of my project without a token
    Then the response status is 401

  @id:3c2250ad-0bb4-4e18-bca2-826d679fcf8e @security
  Scenario: A token that is not valid is refused with 401
    Given the next object store request carries the headers:
      | X-Auth-Token | gAAAAABnot-a-real-token-at-all |
    When I send GET "/" to the object store of my project without a token
    Then the response status is 401
    And the response header "WWW-Authenticate" matches "Swift realm="

  @id:39dc5c64-100e-4f02-a840-5d5dc06b2a3f
  Scenario: An account cannot be created or deleted through the API (405)
    When I send PUT "/" to the object store
    Then the response status is 405
    And the response header "Allow" matches "GET"
    When I send DELETE "/" to the object store
    Then the response status is 405

  @id:5d22e75f-12df-471b-a5e8-024fef149b15 @security
  Scenario: Another project's account does not show this project's containers
    Given the container "{prefix}-mine" exists
    When I am a member of the other project
    And I send GET "/?prefix={prefix}-mine&format=json" to the object store
    Then the response status is 200
    And the listing is empty
    When I send HEAD "/{prefix}-mine" to the object store
    Then the response status is 404

  @id:ded7725b-108f-4c1d-a61c-bb204ebc6d9a
  Scenario: A delimiter rolls container names up in the account listing
    Given the container "{prefix}-d-1" exists
    And the container "{prefix}-d-2" exists
    When I send GET "/?prefix={prefix}-&delimiter=-&format=json" to the object store
    Then the list "" in the response contains an item with:
      """
      {"subdir": "{prefix}-d-"}
      """
    And the list "" in the response does not contain an item whose "name" is "{prefix}-d-1"

  @id:107e40b2-45b8-4f8e-968e-50e64a2cf7f8 @security @requires:swift:account_quotas
  Scenario: A project member cannot set its own account's quota (403)
    Given the container "{prefix}-q" exists
    When I send POST "/" to the object store with the headers:
      | X-Account-Meta-Quota-Bytes | 5 |
    Then the response status is 403
    When I send HEAD "/" to the object store
    Then the response header "X-Account-Meta-Quota-Bytes" is absent
