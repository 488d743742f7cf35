"""Travel emissions: flights, rail, road and hotel nights."""

from .api import flight, great_circle, hotel, rail, road

__all__ = ["flight", "great_circle", "hotel", "rail", "road"]
