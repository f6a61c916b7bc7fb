@network @requires:network @requires:ext:security-group
Feature: Security groups and rules
  Each project has a `default` security group, made on first use, with four rules: all egress
  over IPv4 and IPv6, and ingress over both from members of the group itself. It cannot be
  deleted by its project. Rules are validated, and a rule that already exists is 409.

  Background:
    Given I am a member of my project

  @id:0a23b1a7-55f5-40ab-9e61-847bb3498400 @smoke
  Scenario: The project's default group exists on first use with its four rules
    When I send GET "/v2.0/security-groups" to the network service
    Then the response is 200 matching the schema "network/security-group-list"
    And the list "security_groups" in the response contains an item with:
      """
      {"name": "default", "project_id": "{project_id}"}
      """
    When I send GET "/v2.0/security-groups?name=default" to the network service
    Then the response is 200 matching the schema "network/security-group-list"
    And "security_groups" in the response has 1 item
    And I remember "security_groups[0].id" from the response as "sg"
    When I send GET "/v2.0/security-groups/{sg}" to the network service
    Then the response is 200 matching the schema "network/security-group"
    And "security_group.name" in the response is "default"
    And "security_group.description" in the response is "Default security group"
    And "security_group.security_group_rules" in the response has 4 items
    And the list "security_group.security_group_rules" in the response contains an item with:
      """
      {"direction": "egress", "ethertype": "IPv4", "protocol": null, "port_range_min": null, "port_range_max": null, "remote_ip_prefix": null, "remote_group_id": null}
      """
    And the list "security_group.security_group_rules" in the response contains an item with:
      """
      {"direction": "egress", "ethertype": "IPv6", "protocol": null, "port_range_min": null, "port_range_max": null, "remote_ip_prefix": null, "remote_group_id": null}
      """
    And the list "security_group.security_group_rules" in the response contains an item with:
      """
      {"direction": "ingress", "ethertype": "IPv4", "protocol": null, "remote_ip_prefix": null, "remote_group_id": "{sg}"}
      """
    And the list "security_group.security_group_rules" in the response contains an item with:
      """
      {"direction": "ingress", "ethertype": "IPv6", "protocol": null, "remote_ip_prefix": null, "remote_group_id": "{sg}"}
      """
    When I send GET "/v2.0/security-group-rules?security_group_id={sg}" to the network service
    Then the response is 200 matching the schema "network/security-group-rule-list"
    And "security_group_rules" in the response has 4 items

  @id:3b58da70-10fe-4f9b-b16a-f0c3d3c92173
  Scenario: A project cannot delete its default group
    When I send GET "/v2.0/security-groups?name=default" to the network service
    Then the response status is 200
    And I remember "security_groups[0].id" from the response as "sg"
    When I send DELETE "/v2.0/security-groups/{sg}" to the network service
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "SecurityGroupCannotRemoveDefault"
    When I send GET "/v2.0/security-groups/{sg}" to the network service
    Then the response status is 200

  @id:55b96240-a9cc-4fc6-9b1a-196e717cca52
  Scenario: A new group has the two egress rules; a rule is created, refused when it exists, and deleted
    When I send POST "/v2.0/security-groups" to the network service with:
      """
      {"security_group": {"name": "{prefix}-web", "description": "web"}}
      """
    Then the response is 201 matching the schema "network/security-group"
    And "security_group.name" in the response is "{prefix}-web"
    And "security_group.description" in the response is "web"
    And "security_group.project_id" in the response is "{project_id}"
    And "security_group.security_group_rules" in the response has 2 items
    And the list "security_group.security_group_rules" in the response contains an item with:
      """
      {"direction": "egress", "ethertype": "IPv4", "remote_group_id": null}
      """
    And the list "security_group.security_group_rules" in the response contains an item with:
      """
      {"direction": "egress", "ethertype": "IPv6", "remote_group_id": null}
      """
    And I remember "security_group.id" from the response as "sg"
    When I send POST "/v2.0/security-group-rules" to the network service with:
      """
      {"security_group_rule": {"security_group_id": "{sg}", "direction": "ingress", "protocol": "tcp", "port_range_min": 80, "port_range_max": 443, "remote_ip_prefix": "192.0.2.0/24", "ethertype": "IPv4"}}
      """
    Then the response is 201 matching the schema "network/security-group-rule"
    And "security_group_rule.security_group_id" in the response is "{sg}"
    And "security_group_rule.protocol" in the response is "tcp"
    And "security_group_rule.port_range_min" in the response is "80"
    And "security_group_rule.port_range_max" in the response is "443"
    And "security_group_rule.remote_ip_prefix" in the response is "192.0.2.0/24"
    And I remember "security_group_rule.id" from the response as "rule"
    When I send POST "/v2.0/security-group-rules" to the network service with:
      """
      {"security_group_rule": {"security_group_id": "{sg}", "direction": "ingress", "protocol": "tcp", "port_range_min": 80, "port_range_max": 443, "remote_ip_prefix": "192.0.2.0/24", "ethertype": "IPv4"}}
      """
    Then the response is 409 matching the schema "network/error"
    And "NeutronError.type" in the response is "SecurityGroupRuleExists"
    And "NeutronError.message" in the response matches "{rule}"
    When I send GET "/v2.0/security-groups/{sg}" to the network service
    Then "security_group.security_group_rules" in the response has 3 items
    When I send DELETE "/v2.0/security-group-rules/{rule}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/security-group-rules/{rule}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "SecurityGroupRuleNotFound"
    When I send DELETE "/v2.0/security-groups/{sg}" to the network service
    Then the response status is 204
    When I send GET "/v2.0/security-groups/{sg}" to the network service
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "SecurityGroupNotFound"

  @id:6647a76d-8f93-4264-b779-29dd645ba685
  Scenario Outline: An invalid rule is refused with 400 <type> and not created
    When I send POST "/v2.0/security-groups" to the network service with:
      """
      {"security_group": {"name": "{prefix}-rules"}}
      """
    Then the response status is 201
    And I remember "security_group.id" from the response as "sg"
    When I send POST "/v2.0/security-group-rules" to the network service with:
      """
      {"security_group_rule": {"security_group_id": "{sg}", <rule>}}
      """
    Then the response is 400 matching the schema "network/error"
    And "NeutronError.type" in the response is "<type>"
    When I send GET "/v2.0/security-group-rules?security_group_id={sg}" to the network service
    Then "security_group_rules" in the response has 2 items

    Examples:
      | rule                                                                                                   | type                                   |
      | "direction": "ingress", "protocol": "bogus"                                                            | SecurityGroupRuleInvalidProtocol       |
      | "direction": "ingress", "protocol": "tcp", "port_range_min": 500, "port_range_max": 400                | SecurityGroupInvalidPortRange          |
      | "direction": "ingress", "protocol": "tcp", "port_range_min": 1, "port_range_max": 70000                | SecurityGroupInvalidPortValue          |
      | "direction": "ingress", "port_range_min": 1, "port_range_max": 2                                       | SecurityGroupProtocolRequiredWithPorts |
      | "direction": "ingress", "protocol": "tcp", "remote_ip_prefix": "2001:db8::/64", "ethertype": "IPv4"    | SecurityGroupRuleParameterConflict     |
      | "direction": "sideways"                                                                                | HTTPBadRequest                         |

  @id:bfc4a8db-942a-40d6-9925-5ce23c19747d
  Scenario: A rule for an unknown group is 404 SecurityGroupNotFound
    When I send POST "/v2.0/security-group-rules" to the network service with:
      """
      {"security_group_rule": {"security_group_id": "6a3f0c2e-1b4d-4e8f-9a7b-2c5d8e0f1a33", "direction": "ingress"}}
      """
    Then the response is 404 matching the schema "network/error"
    And "NeutronError.type" in the response is "SecurityGroupNotFound"
