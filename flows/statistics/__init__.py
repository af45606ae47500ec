"""Statistics for team leads, pure: figures made from anonymous facts, small counts hidden."""
