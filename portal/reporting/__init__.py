"""The cross-domain read side: /stats/, /transparency/, their exports and the stats cache."""
