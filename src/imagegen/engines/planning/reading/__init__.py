"""Reading the prompt: what a brief asks for (quoted and unquoted text, codes, colours, fonts, placement,
lists, data, icons), before any layout. Pure functions of the prompt; the layouts and the planner read
what this package returns and never the other way round."""
