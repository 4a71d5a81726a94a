"""The one core every stage and gate runs on: records and outputs, the transactional processor, the
stage-handler base, dead-lettering, the contract-checked producer and the topic reader."""
