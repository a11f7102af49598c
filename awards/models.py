"""Award tiers and rules, nominations, council sessions and votes, decisions, award history."""
