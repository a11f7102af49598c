"""Report requests, rendering, sign-off and archive."""
