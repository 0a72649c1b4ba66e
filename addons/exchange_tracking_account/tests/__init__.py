from . import test_invoice_exchanges
