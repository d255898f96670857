"""Generated Sprinklr models, operations and tool catalog."""
