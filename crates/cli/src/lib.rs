//! hearth-cli: Hearth's lights from the command line, over the same code as the app.
