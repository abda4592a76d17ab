"""gbagraph: a linked-data knowledge graph of Hong Kong / Guangdong co-operation, served over SPARQL."""

from .config import Settings, settings
from .errors import GbagraphError
from .pipeline import Prepared, prepare
from .query import Answer, QueryRequest

__version__ = "0.3.0"

__all__ = ["Answer", "GbagraphError", "Prepared", "QueryRequest", "Settings", "__version__", "prepare",
           "settings"]
