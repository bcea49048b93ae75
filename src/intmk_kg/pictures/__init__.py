"""Pictures of the knowledge graph as SVG drawn on the server: pure functions from query rows to a
Picture (SVG, table equivalent, title, the query behind it); data.py runs the queries."""

from .matrix import dissent_matrix
from .svg import Picture, Table
from .tiles import GRID, MEASURES, tile_map
from .timeline import conference_timeline
from .topics import topics_by_year

__all__ = ["GRID", "MEASURES", "Picture", "Table", "dissent_matrix", "conference_timeline", "tile_map", "topics_by_year"]
