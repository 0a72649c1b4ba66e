from . import test_invoice_exchanges, test_tours
