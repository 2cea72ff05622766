"""Everything that observes the world. Pure asyncio; never imports textual, widgets or tui."""
