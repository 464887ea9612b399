"""Stories of women in STEM: the card files in stories/ with their loader and validator (cards),
pictures, the push schedule (schedule, pure) and its SQL (store)."""
