"""ERP reconciliation on the central server.

The server calls an :class:`~fieldcrm.erp.connector.ErpConnector`; nothing
here speaks an ERP's own protocol.

- ``tables``: the job queue, the ERP links and the settings/cursor store.
- ``config``: connection settings kept in the server database, the password
  encrypted with a key file only the service account can read.
- ``publish``: writing a row as a server change (version, ops) so it reaches
  laptops on their next pull.
- ``masterdata``: pulling customers, products, prices and credit in.
- ``jobs``: the queue a submitted order (or a new customer) is written to in
  the same transaction as the order; claiming, retrying with backoff.
- ``orders``: turning a CRM order into an ERP order and writing the answer back.
- ``worker``: the one process (or thread) that sends the queue to the ERP.
- ``cli``: ``fieldcrm-server erp configure|pull|worker|status``.
"""
