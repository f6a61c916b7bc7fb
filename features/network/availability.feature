@network @requires:network
Feature: IP availability and availability zones
  An admin sees how many addresses each network and subnet has and uses; members cannot. The
  availability-zone list has its documented shape.

  @id:468e96eb-0167-415a-837f-2093cf07e623 @admin @requires:ext:network-ip-availability
  Scenario: Network IP availability reflects the ports allocated on it
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-avail"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    When I send POST "/v2.0/subnets" to the network service with:
      """
      {"subnet": {"name": "{prefix}-avail-v4", "network_id": "{nid}", "ip_version": 4, "cidr": "10.70.0.0/24", "enable_dhcp": false}}
      """
    Then the response status is 201
    And I remember "subnet.id" from the response as "sid"
    Given I am the cloud admin
    When I send GET "/v2.0/network-ip-availabilities/{nid}" to the network service
    Then the response is 200 matching the schema "network/network-ip-availability"
    And "network_ip_availability.network_id" in the response is "{nid}"
    And "network_ip_availability.network_name" in the response is "{prefix}-avail"
    And "network_ip_availability.project_id" in the response is "{project_id}"
    And "network_ip_availability.total_ips" in the response is "253"
    And "network_ip_availability.used_ips" in the response is "0"
    And "network_ip_availability.subnet_ip_availability[0].subnet_id" in the response is "{sid}"
    And "network_ip_availability.subnet_ip_availability[0].cidr" in the response is "10.70.0.0/24"
    Given I am a member of my project
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-avail-1", "network_id": "{nid}"}}
      """
    Then the response status is 201
    When I send POST "/v2.0/ports" to the network service with:
      """
      {"port": {"name": "{prefix}-avail-2", "network_id": "{nid}"}}
      """
    Then the response status is 201
    Given I am the cloud admin
    When I send GET "/v2.0/network-ip-availabilities?network_id={nid}" to the network service
    Then the response is 200 matching the schema "network/network-ip-availability-list"
    And "network_ip_availabilities" in the response has 1 item
    And "network_ip_availabilities[0].used_ips" in the response is "2"
    And "network_ip_availabilities[0].total_ips" in the response is "253"
    And "network_ip_availabilities[0].subnet_ip_availability[0].used_ips" in the response is "2"

  @id:6a0b1e62-076e-4ac9-9500-91ca1bdcdfe6 @requires:ext:network-ip-availability
  Scenario: A member cannot read IP availability
    Given I am a member of my project
    When I send POST "/v2.0/networks" to the network service with:
      """
      {"network": {"name": "{prefix}-avail-member"}}
      """
    Then the response status is 201
    And I remember "network.id" from the response as "nid"
    When I send GET "/v2.0/network-ip-availabilities/{nid}" to the network service
    Then the response is 404 matching the schema "network/error"

  @id:341c3108-c1e5-436b-b77b-9b314ce92bc0 @requires:ext:availability_zone
  Scenario: The availability zones are listed with name, resource and state
    Given I am a member of my project
    When I send GET "/v2.0/availability_zones" to the network service
    Then the response is 200 matching the schema "network/availability-zone-list"
