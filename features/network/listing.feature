@network @requires:network
Feature: Listing: tags, paging, field selection, filters and sorting
  Collections page with limit and marker and say where the next page is in <collection>_links;
  fields= selects attributes; any attribute filters; sort_key/sort_dir order; tags are added,
  checked, replaced and removed one by one or all at once, and filter lists.

  @id:99654a96-aaa2-4880-aa09-d2b982574180 @requires:ext:standard-attr-tag
  Scenario: Tags are added, checked, listed, replaced and removed, and filter the network list
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-tagged"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-untagged"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "plain"
    When I send PUT "/v2.0/networks/{nid}/tags/{prefix}-red" to the network service
    Then the response status is 201
    When I send PUT "/v2.0/networks/{nid}/tags/{prefix}-blue" to the network service
    Then the response status is 201
    When I send GET "/v2.0/networks/{nid}/tags/{prefix}-red" to the network service
    Then the response status is 204
    And the response has no body
    When I send GET "/v2.0/networks/{nid}/tags/{prefix}-green" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "TagNotFound"
    When I send GET "/v2.0/networks/{nid}/tags" to the network service
    Then the response is 200 matching the schema "network/tags"
    And "tags" in the response has 2 items
    And the list "tags" in the response contains "{prefix}-red"
    And the list "tags" in the response contains "{prefix}-blue"
    When I send GET "/v2.0/networks/{nid}" to the network service
    Then "network.tags" in the response has 2 items
    When I send GET "/v2.0/networks?tags={prefix}-red,{prefix}-blue" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And "networks" in the response has 1 item
    And "networks[0].id" in the response is "{nid}"
    When I send GET "/v2.0/networks?tags-any={prefix}-red,{prefix}-none" to the network service
    Then "networks" in the response has 1 item
    When I send GET "/v2.0/networks?tags={prefix}-red,{prefix}-none" to the network service
    Then "networks" in the response has 0 items
    When I send GET "/v2.0/networks?not-tags={prefix}-red&name={prefix}-untagged" to the network service
    Then "networks" in the response has 1 item
    And "networks[0].id" in the response is "{plain}"
    When I send PUT "/v2.0/networks/{nid}/tags" to the network service with:
      """
      {"tags": ["{prefix}-a", "{prefix}-b"]}
      """
    Then the response is 200 matching the schema "network/tags"
    And "tags" in the response has 2 items
    And the list "tags" in the response contains "{prefix}-a"
    And the list "tags" in the response does not contain "{prefix}-red"
    When I send DELETE "/v2.0/networks/{nid}/tags/{prefix}-a" to the network service
    Then the response status is 204
    When I send DELETE "/v2.0/networks/{nid}/tags/{prefix}-a" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "TagNotFound"
    When I send DELETE "/v2.0/networks/{nid}/tags" to the network service
    Then the response status is 204
    When I send GET "/v2.0/networks/{nid}/tags" to the network service
    Then "tags" in the response has 0 items

  @id:169bedec-5ea4-4d96-ab50-b05d8922a89b @requires:ext:standard-attr-tag
  Scenario: Tags must be a list of strings
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-badtags"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    When I send PUT "/v2.0/networks/{nid}/tags" to the network service with:
      """
      {"tags": "{prefix}-a"}
      """
    Then the response is 400 matching the schema "network/error"
    When I send GET "/v2.0/networks/{nid}/tags" to the network service
    Then "tags" in the response has 0 items

  @id:b2296a65-ea83-4442-a437-681d18f0505c @requires:ext:pagination @requires:ext:sorting
  Scenario: A collection pages with limit and marker and links to its next page
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-page-a"}}
      """
    Then the response status is 201
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-page-b"}}
      """
    Then the response status is 201
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-page-c"}}
      """
    Then the response status is 201
    When I send GET "/v2.0/networks?name={prefix}-page-a&name={prefix}-page-b&name={prefix}-page-c&sort_key=name&sort_dir=asc&limit=2" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And "networks" in the response has 2 items
    And "networks[0].name" in the response is "{prefix}-page-a"
    And "networks[1].name" in the response is "{prefix}-page-b"
    And the list "networks_links" in the response contains an item whose "rel" is "next"
    And I remember the marker of the "next" link in "networks_links" as "marker"
    When I send GET "/v2.0/networks?name={prefix}-page-a&name={prefix}-page-b&name={prefix}-page-c&sort_key=name&sort_dir=asc&limit=2&marker={marker}" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And "networks" in the response has 1 item
    And "networks[0].name" in the response is "{prefix}-page-c"
    And the list "networks_links" in the response contains an item whose "rel" is "previous"
    And the list "networks_links" in the response does not contain an item whose "rel" is "next"

  @id:6ecf8d6f-5723-40c2-8ebb-e6bf5efadfee @requires:ext:sorting
  Scenario: Lists sort by any attribute in either direction; an unknown direction is 400
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-sort-1"}}
      """
    Then the response status is 201
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-sort-2"}}
      """
    Then the response status is 201
    When I send GET "/v2.0/networks?sort_key=name&sort_dir=desc" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And the values of "name" in the list "networks" in the response are in descending order
    When I send GET "/v2.0/networks?sort_key=name&sort_dir=asc" to the network service
    Then the values of "name" in the list "networks" in the response are in ascending order
    When I send GET "/v2.0/networks?sort_key=name&sort_dir=up" to the network service
    Then the response is 400 matching the schema "network/error"

  @id:58c171f2-02e1-43d8-b533-5c833df9893a
  Scenario: fields= selects the attributes returned, and any attribute filters the list
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-up"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "up"
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-down", "admin_state_up": false}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "down"
    When I send GET "/v2.0/networks?name={prefix}-up&fields=id&fields=name" to the network service
    Then the response status is 200
    And every item of the list "networks" in the response has exactly the fields "id,name"
    And "networks[0].id" in the response is "{up}"
    When I send GET "/v2.0/networks?admin_state_up=false&project_id={project_id}" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And the list "networks" in the response contains an item whose "id" is "{down}"
    And the list "networks" in the response does not contain an item whose "id" is "{up}"
    And every item of the list "networks" in the response has "admin_state_up" equal to "false"
    When I send GET "/v2.0/networks?id={up}" to the network service
    Then "networks" in the response has 1 item
    When I send GET "/v2.0/networks?name={prefix}-nothing-has-this-name" to the network service
    Then the response is 200 matching the schema "network/network-list"
    And "networks" in the response has 0 items

  @id:56dc40ff-7073-46e2-b476-3bd3c3329eef
  Scenario: A filter on an unknown attribute, a bad limit and an unknown marker are refused
    Given I am a member of my project
    When I send GET "/v2.0/networks?colour=red" to the network service
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.message" in the response is "['colour'] is invalid attribute for filtering"
    When I send GET "/v2.0/networks?limit=abc" to the network service
    Then the response is 400 matching the schema "network/error"
    When I send GET "/v2.0/networks?limit=2&marker=0ed7aed0-8edd-42d0-929f-a6995bef7b01" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "NetworkNotFound"
