"""fieldcrm: an offline-first desktop CRM for field sales and service."""

__version__ = "0.1.0"
