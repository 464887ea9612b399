"""Cards without a deploy: an admin sends a card file, sees it checked and previewed, and publishes it.
Published cards live in the database (story_uploads) and join the shipped ones at every start-up."""
