"""Learning records out as xAPI: the learning events as statements, kept in an outbox and
sent to a Learning Record Store by the task workers."""
