@block-storage @requires:block-storage
Feature: Bad input to the block storage API
  Malformed JSON, wrong types, sizes out of range, unknown ids and unknown filters are refused
  with a 4xx in Cinder's fault format, and nothing is created or changed.

  Background:
    Given I am a member of my project

  @id:2443687d-a30d-420b-97ad-ba31141515eb
  Scenario: Bad volume creates are refused with 400 and create nothing
    When I send POST "/volumes" to the block-storage service with the raw body "{\"volume\": " as "application/json"
    Then the response is a 400 badRequest volume fault whose message matches "^Malformed request body$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 0, "name": "{prefix}-zero"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute size\. Value: 0\. 0 is less than the minimum of 1$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": "big", "name": "{prefix}-big"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute size\. Value: big\. 'big' does not match '\^\[0-9\]\+\$'$"
    When I send POST "/volumes" to the block-storage service with:
      """
      ["x"]
      """
    Then the response is a 400 badRequest volume fault whose message matches "^\['x'\] is not of type 'object'$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"name": "{prefix}-nosize"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^The server could not comply with the request since it is either malformed or otherwise incorrect\.$"
    When I send GET "/volumes?name={prefix}-zero" to the block-storage service
    Then "volumes" in the response has 0 items
    When I send GET "/volumes?name={prefix}-big" to the block-storage service
    Then "volumes" in the response has 0 items
    When I send GET "/volumes?name={prefix}-nosize" to the block-storage service
    Then "volumes" in the response has 0 items

  @id:1a272f98-28cf-4ef6-b968-578ffa514761
  Scenario: Unknown keys in a create are ignored, but a size in an update is refused
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-extra", "colour": "red"}}
      """
    Then the response is 202 matching the volume schema "volume"
    And "volume.colour" in the response is absent
    And I remember "volume.id" from the response as "volume_id"
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    And I send PUT "/volumes/{volume_id}" to the block-storage service with:
      """
      {"volume": {"size": 5}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute volume\. Value: \{'size': 5\}\. Additional properties are not allowed \('size' was unexpected\)$"
    When I send GET "/volumes/{volume_id}" to the block-storage service
    Then "volume.size" in the response is "1"

  @id:ea3c7bd5-ae51-4068-82d5-58a10d908b29
  Scenario: Unknown volumes are 404 with Cinder's sentence, whatever the id looks like
    When I send GET "/volumes/00000000-0000-0000-0000-000000000000" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume 00000000-0000-0000-0000-000000000000 could not be found\.$"
    When I send GET "/volumes/not-a-uuid" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume not-a-uuid could not be found\.$"
    When I send PUT "/volumes/00000000-0000-0000-0000-000000000000" to the block-storage service with:
      """
      {"volume": {"name": "{prefix}-ghost"}}
      """
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume 00000000-0000-0000-0000-000000000000 could not be found\.$"
    When I send GET "/volumes?marker=00000000-0000-0000-0000-000000000000" to the block-storage service
    Then the response is a 404 itemNotFound volume fault whose message matches "^Volume 00000000-0000-0000-0000-000000000000 could not be found\.$"

  @id:047a6dbc-8612-4dcf-9d94-d961cc7be118
  Scenario: Bad list parameters are refused with 400
    When I send GET "/volumes?limit=-1" to the block-storage service
    Then the response is a 400 badRequest volume fault whose message matches "^limit param must be positive$"
    When I send GET "/volumes?sort=colour:asc" to the block-storage service
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input received: Invalid sort key$"

  @id:820f0052-b8ca-421f-9822-32dac5a6a7b1 @requires:block-storage>=3.34
  Scenario: From 3.34 an unknown filter is refused with 400
    When I send GET "/volumes?colour=red" to the block-storage service at microversion "3.34"
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid filters colour are found in query options\.$"
    When I send GET "/volumes/detail?colour=red" to the block-storage service at microversion "3.59"
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid filters colour are found in query options\.$"
    When I send GET "/volumes?name~={prefix}" to the block-storage service at microversion "3.34"
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid filters name~ are found in query options\.$"

  @id:592ae1cd-3cd0-4f36-915f-5ae865346209
  Scenario: An unknown path is a 404
    When I send GET "/nothing-here" to the block-storage service
    Then the response status is 404

  @id:9936ebf7-e7c8-44d4-8bb5-5ff3b1d0e691
  Scenario: Metadata values must be strings with plain keys, names at most 255 characters; any UTF-8 name is kept as sent
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-meta-int", "metadata": {"a": 1}}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute a\. Value: 1\. 1 is not of type 'string'$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input received: name has \d+ characters, more than 255\.$"
    When I send GET "/volumes?name={prefix}-meta-int" to the block-storage service
    Then "volumes" in the response has 0 items
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-bad-key", "metadata": {"ключ": "значение"}}}
      """
    Then the response is a 400 badRequest volume fault whose message matches "^Invalid input for field/attribute metadata\. Value: .*does not match any of the regexes: '\^\[a-zA-Z0-9-_:\. /\]\{1,255\}\$'$"
    When I send POST "/volumes" to the block-storage service with:
      """
      {"volume": {"size": 1, "name": "{prefix}-ünï/cødé ✓ ../..", "description": "名前 <script>", "metadata": {"key": "значение"}}}
      """
    Then the response is 202 matching the volume schema "volume"
    And I remember "volume.id" from the response as "volume_id"
    When I wait until the volume "{volume_id}" is "available" within 60 seconds
    Then "volume.name" in the response is "{prefix}-ünï/cødé ✓ ../.."
    And "volume.description" in the response is "名前 <script>"
    And "volume.metadata.key" in the response is "значение"
