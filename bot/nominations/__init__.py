"""Nominations: any user names a woman she would like to see on a story card; admins accept or decline
her, the nominator hears back in her language, and the accepted go to the writers as CSV."""
