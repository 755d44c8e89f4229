"""English step titles that give the order away stay out of ordering and next-step questions (session 35: the
review's English split suffix « (cont.) » and « Step 3 » were not in the list of order words)."""

from media_pipeline.quiz_drafts import near_identical, reveals_order


def test_english_titles_that_tell_the_order():
    for title in ("Rinse the cup (cont.)", "Rinse the cup (cont. 2)", "Step 3", "Last check", "First pass",
                  "Tighten again", "Final rinse", "Part two"):
        assert reveals_order(title), title
    for title in ("Rinse the cup", "Scrub the inside of the cup", "Check the seal", "Control the flow",
                  "Control the valve", "Start the pump"):
        assert not reveals_order(title), title
    assert near_identical("Rinse the cup", "Rinse the cup (cont.)")
