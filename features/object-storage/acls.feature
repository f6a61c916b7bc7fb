@object-storage @requires:object-store @admin @security
Feature: Container ACLs between projects
  A container is private to its project: another project's member is refused (403) and an
  anonymous request is challenged (401). X-Container-Read grants reading objects and listing to
  the projects or users it names, X-Container-Write grants writing and deleting objects;
  ".r:*" makes objects readable without a token, but the listing only with ".rlistings". Only
  the owner may change ACLs.

  Background:
    Given I am a member of my project
    And the container "{prefix}-acl" exists
    And the object "{prefix}-acl/hello.txt" holds "hello swift\n"

  @id:3ae3dd03-8674-4d4f-bfb6-58dac11ad909 @smoke
  Scenario: Without an ACL another project is refused (403) and anonymous requests challenged (401)
    When I am a member of the other project
    And I send GET "/{prefix}-acl/hello.txt" to the object store of my project
    Then the response status is 403
    When I send GET "/{prefix}-acl" to the object store of my project
    Then the response status is 403
    When I send PUT "/{prefix}-acl/intruder" to the object store of my project with the body "x"
    Then the response status is 403
    When I send GET "/{prefix}-acl/hello.txt" to the object store of my project without a token
    Then the response status is 401
    And the response header "WWW-Authenticate" matches "Swift realm="

  @id:e40f5cc8-2502-49a9-b6b6-2561c2ed516f @smoke
  Scenario: A read ACL for the other project allows reading and listing, not writing
    When I send POST "/{prefix}-acl" to the object store with the headers:
      | X-Container-Read | {other_project_id}:* |
    Then the response status is 204
    When I am a member of the other project
    And I send GET "/{prefix}-acl/hello.txt" to the object store of my project
    Then the response status is 200
    And the response body is "hello swift\n"
    When I send GET "/{prefix}-acl" to the object store of my project
    Then the response status is 200
    And the listing is:
      """
      hello.txt
      """
    When I send PUT "/{prefix}-acl/intruder" to the object store of my project with the body "x"
    Then the response status is 403
    When I send POST "/{prefix}-acl" to the object store of my project with the headers:
      | X-Container-Read | .r:* |
    Then the response status is 403
    When I send GET "/{prefix}-acl/hello.txt" to the object store of my project without a token
    Then the response status is 401

  @id:df396990-c31b-4492-b32a-329440f17c93
  Scenario: A read ACL naming the other project's user by id works the same
    When I send POST "/{prefix}-acl" to the object store with the headers:
      | X-Container-Read | {other_project_id}:{other_user_id} |
    Then the response status is 204
    When I am a member of the other project
    And I send GET "/{prefix}-acl/hello.txt" to the object store of my project
    Then the response status is 200

  @id:4cf6cd2f-1990-41ac-ab41-b9088dab03b6
  Scenario: A write ACL allows the other project to upload and delete objects
    When I send POST "/{prefix}-acl" to the object store with the headers:
      | X-Container-Write | {other_project_id}:* |
    Then the response status is 204
    When I am a member of the other project
    And I send PUT "/{prefix}-acl/from-other" to the object store of my project with the body "written by the other project"
    Then the response status is 201
    When I send DELETE "/{prefix}-acl/hello.txt" to the object store of my project
    Then the response status is 204
    When I send DELETE "/{prefix}-acl" to the object store of my project
    Then the response status is 403
    When I am a member of my project
    And I send GET "/{prefix}-acl/from-other" to the object store
    Then the response status is 200
    And the response body is "written by the other project"
    When I send HEAD "/{prefix}-acl/hello.txt" to the object store
    Then the response status is 404
    When I am a member of the other project
    And I send GET "/{prefix}-acl/from-other" to the object store of my project
    Then the response status is 403

  @id:4f3a6b6e-1efd-4213-8478-69cf8a63bc7f @smoke
  Scenario: .r:* makes objects public, but the listing needs .rlistings
    When I send POST "/{prefix}-acl" to the object store with the headers:
      | X-Container-Read | .r:* |
    Then the response status is 204
    When I send GET "/{prefix}-acl/hello.txt" to the object store of my project without a token
    Then the response status is 200
    And the response body is "hello swift\n"
    When I send GET "/{prefix}-acl" to the object store of my project without a token
    Then the response status is 401
    When I send PUT "/{prefix}-acl/anonymous" to the object store of my project without a token with the body "x"
    Then the response status is 401
    When I send POST "/{prefix}-acl" to the object store with the headers:
      | X-Container-Read | .r:*,.rlistings |
    Then the response status is 204
    When I send GET "/{prefix}-acl" to the object store of my project without a token
    Then the response status is 200
    And the listing is:
      """
      hello.txt
      """
    When I send HEAD "/{prefix}-acl" to the object store
    Then the response header "X-Container-Read" is ".r:*,.rlistings"
    When I send POST "/{prefix}-acl" to the object store with the headers:
      | X-Remove-Container-Read | x |
    And I send GET "/{prefix}-acl/hello.txt" to the object store of my project without a token
    Then the response status is 401

  @id:f2029ca1-bbb1-40c9-bc1f-7ebf25c518a3
  Scenario: A referrer ACL admits anonymous requests from that domain only
    When I send POST "/{prefix}-acl" to the object store with the headers:
      | X-Container-Read | .r:.example.com |
    Then the response status is 204
    When I send GET "/{prefix}-acl/hello.txt" to the object store of my project without a token with the headers:
      | Referer | http://www.example.com/index.html |
    Then the response status is 200
    When I send GET "/{prefix}-acl/hello.txt" to the object store of my project without a token with the headers:
      | Referer | http://evil.org/ |
    Then the response status is 401
