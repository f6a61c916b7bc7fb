@compute @requires:compute @admin
Feature: Keypairs
  Keypair create answers 200 at 2.1 and 201 from 2.2 (with a type); delete 202 then 204 from 2.2;
  from 2.92 the public key must be given. These scenarios create the admin's own keypairs, which
  the ledger deletes after each scenario.

  Background:
    Given I am the cloud admin

  @id:70f02d09-8e95-4945-9eb2-bd61ed75ca69 @smoke
  Scenario: At 2.1 Nova generates a keypair, answers 200 with its private key, and deletes it with 202
    Given the compute resource "/os-keypairs/{prefix}-kp21" is deleted after the scenario
    When I send POST "/os-keypairs" to the compute service with:
      """
      {"keypair": {"name": "{prefix}-kp21"}}
      """
    Then the response is 200 matching the compute schema "keypair-create"
    And "keypair.private_key" in the response matches "PRIVATE KEY"
    And "keypair.type" in the response is absent
    When I send GET "/os-keypairs/{prefix}-kp21" to the compute service
    Then the response is 200 matching the compute schema "keypair"
    When I send DELETE "/os-keypairs/{prefix}-kp21" to the compute service
    Then the response status is 202

  @id:7b1b4b14-f43b-4cda-9203-315a444bb31a @requires:compute>=2.2
  Scenario: From 2.2 create answers 201 with a type and delete 204
    Given the compute resource "/os-keypairs/{prefix}-kp22" is deleted after the scenario
    When I send POST "/os-keypairs" to the compute service at microversion "2.2" with:
      """
      {"keypair": {"name": "{prefix}-kp22", "type": "ssh"}}
      """
    Then the response is 201 matching the compute schema "keypair-create"
    And "keypair.type" in the response is "ssh"
    When I send GET "/os-keypairs" to the compute service at microversion "2.2"
    Then the response is 200 matching the compute schema "keypair-list"
    And the list "keypairs" in the response contains an item with:
      """
      {"keypair": {"name": "{prefix}-kp22", "type": "ssh"}}
      """
    When I send DELETE "/os-keypairs/{prefix}-kp22" to the compute service at microversion "2.2"
    Then the response status is 204
    And the response has no body
    When I send GET "/os-keypairs/{prefix}-kp22" to the compute service at microversion "2.2"
    Then the response is a 404 itemNotFound fault whose message matches "^Keypair {prefix}-kp22 not found for user "

  @id:6709d8da-f34e-42a4-a2da-80fde7e70b8f @requires:compute>=2.92
  Scenario: From 2.92 the public key is required; an imported key has no private key
    Given the compute resource "/os-keypairs/{prefix}-kp92" is deleted after the scenario
    When I send POST "/os-keypairs" to the compute service at microversion "2.92" with:
      """
      {"keypair": {"name": "{prefix}-kp92"}}
      """
    Then the response is a 400 badRequest fault whose message matches "'public_key' is a required property$"
    When I send POST "/os-keypairs" to the compute service at microversion "2.92" with:
      """
      {"keypair": {"name": "{prefix}-kp92", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJR7XTfK4KPkJzFlYEKVFJiu2H47zA9biAlX2VjafqV0 stackproof"}}
      """
    Then the response is 201 matching the compute schema "keypair-create"
    And "keypair.private_key" in the response is absent
    And "keypair.fingerprint" in the response is "08:5c:75:50:32:1d:e3:3a:67:0b:3c:84:86:66:ca:9f"
    When I send POST "/os-keypairs" to the compute service at microversion "2.92" with:
      """
      {"keypair": {"name": "{prefix}-kp92", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJR7XTfK4KPkJzFlYEKVFJiu2H47zA9biAlX2VjafqV0 stackproof"}}
      """
    Then the response is a 409 conflictingRequest fault whose message matches "^Key pair '{prefix}-kp92' already exists\.$"

  @id:129811c6-eedd-494f-b01b-a0ab21cf875f
  Scenario: Bad keypair names and keys are refused with 400
    When I send POST "/os-keypairs" to the compute service at microversion "2.2" with:
      """
      {"keypair": {"name": "bad/name", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJR7XTfK4KPkJzFlYEKVFJiu2H47zA9biAlX2VjafqV0 stackproof"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^An invalid 'name' value was provided"
    When I send POST "/os-keypairs" to the compute service at microversion "2.2" with:
      """
      {"keypair": {"name": "{prefix}-badkey", "public_key": "ssh-rsa nonsense"}}
      """
    Then the response is a 400 badRequest fault whose message matches "^Keypair data is invalid"
