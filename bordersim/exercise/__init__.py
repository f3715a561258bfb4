"""Tabletop exercises driven by the simulator: a session (the room's clock, injects and
decisions), forecasts from the situation now, the web page the room sees, and the
after-action report. See docs/exercises.md."""
