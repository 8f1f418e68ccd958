"""Registry entries for recurrent and sequence models."""

from jaxnets.models._spec import ModelSpec

SPECS: dict[str, ModelSpec] = {}
