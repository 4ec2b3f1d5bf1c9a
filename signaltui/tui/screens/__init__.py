"""The tab panes of the main screen and the modal screens."""
