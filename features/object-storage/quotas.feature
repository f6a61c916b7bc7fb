@object-storage @requires:object-store @admin @requires:swift:container_quotas
Feature: Container quotas
  X-Container-Meta-Quota-Bytes and -Quota-Count, set by the container's owner, refuse an upload
  that would exceed them with 413. (Swift checks against cached counters, so only an upload that
  exceeds a quota on its own is certain to be refused; a series of small uploads may pass.)

  Background:
    Given I am a member of my project

  @id:faee561d-7671-42b7-aa66-e37392dd46dc @smoke
  Scenario: An upload larger than the bytes quota is refused with 413; one that fits is stored
    Given the container "{prefix}-qb" exists with the headers:
      | X-Container-Meta-Quota-Bytes | 10 |
    When I send PUT "/{prefix}-qb/big" to the object store with the body "12345678901"
    Then the response status is 413
    And the response body is "Upload exceeds quota."
    When I send HEAD "/{prefix}-qb/big" to the object store
    Then the response status is 404
    When I send PUT "/{prefix}-qb/fits" to the object store with the body "1234567890"
    Then the response status is 201

  @id:ed3439d9-1cde-4034-bed5-8774355b4f0f
  Scenario: A count quota of 0 refuses every upload with 413
    Given the container "{prefix}-qc" exists with the headers:
      | X-Container-Meta-Quota-Count | 0 |
    When I send PUT "/{prefix}-qc/one" to the object store with the body "x"
    Then the response status is 413
    When I send POST "/{prefix}-qc" to the object store with the headers:
      | X-Container-Meta-Quota-Count | 1 |
    And I send PUT "/{prefix}-qc/one" to the object store with the body "x"
    Then the response status is 201

  @id:9536c6f8-45c9-449e-bd7f-ee2a8b6dbcea
  Scenario Outline: A quota that is not a non-negative integer is refused with 400
    Given the container "{prefix}-qbad" exists
    When I send POST "/{prefix}-qbad" to the object store with the headers:
      | <header> | <value> |
    Then the response status is 400
    And the response body is "<message>"
    When I send HEAD "/{prefix}-qbad" to the object store
    Then the response header "<header>" is absent

    Examples:
      | header                       | value | message              |
      | X-Container-Meta-Quota-Bytes | lots  | Invalid bytes quota. |
      | X-Container-Meta-Quota-Count | -1    | Invalid count quota. |
