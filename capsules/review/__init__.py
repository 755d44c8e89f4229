"""Expert review of the segmented steps: pure checks, the JSON API and the focused review screen
(experts see only the footage assigned to them)."""
