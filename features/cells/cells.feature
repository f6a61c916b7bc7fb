@cells @requires:compute>=2.69 @admin @control-plane
Feature: Cells v2: one API over several cells, and what it answers while a cell is down
  Servers live in cells; the API merges every cell's servers into one list, sorted and paged
  as if they were one table. While a cell's database cannot be reached, from 2.69 the API
  answers partial records (status UNKNOWN) for that cell's servers and UNKNOWN for its compute
  services; below 2.69 it leaves them out. Taking a cell down needs a control plane (the
  reference cloud's): on other clouds these scenarios are skipped.

  @id:ea0f4d80-20be-483e-96a2-3b74564215f5
  Scenario: The control plane lists the cells with their hosts, and only an admin may change them
    Given I am the cloud admin
    When I send GET "/cells" to the control plane
    Then the response status is 200
    And the list "cells" in the response contains an item with:
      """
      {"down": false}
      """
    And every item of the list "cells" in the response has exactly the fields "name, uuid, down, hosts"
    Given I am a member of my project
    When I send GET "/cells" to the control plane
    Then the response status is 403
    When I send PUT "/cells/cell1" to the control plane with:
      """
      {"cell": {"down": false}}
      """
    Then the response status is 403
    Given I am the cloud admin
    When I send PUT "/cells/{prefix}-no-such-cell" to the control plane with:
      """
      {"cell": {"down": false}}
      """
    Then the response status is 404
    When I send PUT "/cells/cell1" to the control plane with:
      """
      {"cell": {"down": "maybe"}}
      """
    Then the response status is 400

  @id:ca75a778-f451-4564-8b9d-cb7989a52301
  Scenario: Listing merges the cells' servers, newest first, and pages through them exactly once
    Given I am the cloud admin
    And two cells with compute hosts, remembered as "a" and "b"
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-merge-1", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{a_zone}:{a_host}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "s1"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-merge-2", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{b_zone}:{b_host}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "s2"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-merge-3", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{a_zone}:{a_host}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "s3"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-merge-4", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{b_zone}:{b_host}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "s4"
    When I wait until the server "{s1}" has the status ACTIVE
    And I wait until the server "{s2}" has the status ACTIVE
    And I wait until the server "{s3}" has the status ACTIVE
    And I wait until the server "{s4}" has the status ACTIVE
    Then the server "{s1}" runs on the host "{a_host}"
    And the server "{s2}" runs on the host "{b_host}"
    When I page through "/servers?name={prefix}-merge-&limit=1" on the compute service at microversion "2.1"
    Then the servers paged are "{s4},{s3},{s2},{s1}"
    When I page through "/servers/detail?name={prefix}-merge-&limit=3" on the compute service at microversion "2.69"
    Then the servers paged are "{s4},{s3},{s2},{s1}"
    When I page through "/servers?name={prefix}-merge-&limit=1&sort_key=display_name&sort_dir=asc" on the compute service at microversion "2.1"
    Then the servers paged are "{s1},{s2},{s3},{s4}"

  @id:7aa02ff8-317c-4a0c-ac7f-c58e1eeab5ec @exclusive
  Scenario: While a cell is down, 2.69 answers partial records for its servers and older versions leave them out
    Given I am the cloud admin
    And two cells with compute hosts, remembered as "a" and "b"
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-down-a", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{a_zone}:{a_host}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "sa"
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-down-b", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{b_zone}:{b_host}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "sb"
    When I wait until the server "{sa}" has the status ACTIVE
    And I wait until the server "{sb}" has the status ACTIVE
    And I take the cell "{a}" down
    And I send GET "/servers/detail" to the compute service at microversion "2.69"
    Then the response status is 200
    And the list "servers" in the response contains an item with:
      """
      {"id": "{sa}", "status": "UNKNOWN"}
      """
    And the list "servers" in the response contains an item with:
      """
      {"id": "{sb}", "status": "ACTIVE", "name": "{prefix}-down-b"}
      """
    When I send GET "/servers/detail" to the compute service at microversion "2.68"
    Then the response status is 200
    And the list "servers" in the response does not contain an item whose "id" is "{sa}"
    And the list "servers" in the response contains an item whose "id" is "{sb}"
    When I send GET "/servers/{sa}" to the compute service at microversion "2.69"
    Then the response status is 200
    And "server.id" in the response is "{sa}"
    And "server.status" in the response is "UNKNOWN"
    And "server.name" in the response is absent
    And "server.flavor.original_name" in the response matches "."
    When I send GET "/os-services?binary=nova-compute" to the compute service at microversion "2.69"
    Then the response status is 200
    And the list "services" in the response contains an item with:
      """
      {"host": "{a_host}", "binary": "nova-compute", "status": "UNKNOWN"}
      """
    And the list "services" in the response contains an item with:
      """
      {"host": "{b_host}", "status": "enabled", "state": "up"}
      """
    When I send GET "/os-services?binary=nova-compute" to the compute service at microversion "2.68"
    Then the list "services" in the response does not contain an item whose "host" is "{a_host}"

  @id:d2fbf4e3-2f01-4509-8134-f0bf3eb28be0 @exclusive
  Scenario: A cell back up answers as before
    Given I am the cloud admin
    And two cells with compute hosts, remembered as "a" and "b"
    And a flavor and an image to boot a server from
    When I send POST "/servers" to the compute service at microversion "2.37" with:
      """
      {"server": {"name": "{prefix}-back-a", "imageRef": "{image_id}", "flavorRef": "{flavor_id}", "networks": "none", "availability_zone": "{a_zone}:{a_host}"}}
      """
    Then the response status is 202
    And I remember "server.id" from the response as "sa"
    When I wait until the server "{sa}" has the status ACTIVE
    And I take the cell "{a}" down
    And I send GET "/servers/{sa}" to the compute service at microversion "2.69"
    Then "server.status" in the response is "UNKNOWN"
    When I bring the cell "{a}" back up
    And I send GET "/servers/{sa}" to the compute service at microversion "2.69"
    Then the response is 200 matching the compute schema "server"
    And "server.status" in the response is "ACTIVE"
    And "server.name" in the response is "{prefix}-back-a"
    When I send GET "/servers/detail?name={prefix}-back-" to the compute service at microversion "2.69"
    Then the response is 200 matching the compute schema "server-list"
    And "servers" in the response has 1 item
    When I send GET "/os-services?binary=nova-compute" to the compute service at microversion "2.69"
    Then the response is 200 matching the compute schema "service-list"
    And the list "services" in the response contains an item with:
      """
      {"host": "{a_host}", "state": "up"}
      """
    When I send POST "/servers/{sa}/action" to the compute service with:
      """
      {"os-stop": null}
      """
    Then the response status is 202
    When I wait until the server "{sa}" has the status SHUTOFF
