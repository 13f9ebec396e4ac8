"""nianbao (年报): the command-line front of the crawler, parsers and archive."""
