// Animations start paused on their poster; nothing here runs until the reader asks.
