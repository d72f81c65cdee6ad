"""godelmachine: a Gödel machine that rewrites itself only on a proof that the rewrite helps."""

__version__ = "0.1.0"
