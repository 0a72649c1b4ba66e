from . import test_purchase_order_exchanges
